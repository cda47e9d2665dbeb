// Configs whose every key is in range but whose schedule still breaks the samplers' math (NaN or
// infinite σ, a schedule that runs upward, nothing left to sample). Each finding is placed on the
// key that causes the problem, so the error names it instead of a NaN many steps later.
import { alphasCumprod } from '../schedules/alphasCumprod';
import { configBetas } from './configSchedule';
import type { Finding } from './findings';
import type { Source } from './crossChecks';
import { SCHEDULER_CLASSES } from './schedulerClasses';

type Config = Readonly<Record<string, unknown>>;

/** Smallest normal float32: diffusers keeps ᾱ in float32, and below this it is 0 or loses its digits,
 * so σ = √((1 − ᾱ)/ᾱ) is infinite or meaningless. */
const FLOAT32_MIN_NORMAL = 2 ** -126;

const TRAINING_KEYS = ['num_train_timesteps', 'beta_start', 'beta_end', 'beta_schedule', 'trained_betas', 'rescale_betas_zero_snr'];

/** Whether a rejected training key leaves the training schedule unknown (then these checks stay quiet). */
export function trainingKeysBad(bad: ReadonlySet<string>): boolean {
  return TRAINING_KEYS.some((k) => bad.has(k));
}

/** The training ᾱ must fall strictly from below 1 and stay a normal float32 down to t = T−1 (unless
 * zero terminal SNR is asked for): otherwise σ is 0, flat or infinite somewhere and log σ, the
 * σ → timestep map and the Karras range turn to NaN. */
export function trainingScheduleProblems(config: Config, sources: Readonly<Record<string, Source>>): Finding[] {
  const betas = configBetas(config);
  const abar = alphasCumprod(betas);
  const T = abar.length;
  const trained = config.trained_betas !== null;
  for (let t = 0; t < T; t++) {
    if (abar[t] < (t === 0 ? 1 : abar[t - 1])) continue;
    const path = trained ? ['trained_betas', t] : [t < T / 2 ? 'beta_start' : 'beta_end'];
    return [error(path, 'flat-schedule', `β at training timestep ${t} is ${betas[t]}: 1 − β rounds to 1 in float32 (β below ` +
      `about 6e-8), so ᾱ stops falling there and σ is ${t === 0 ? '0' : 'flat'}; the samplers cannot tell such timesteps apart`)];
  }
  const zeroSnr = config.rescale_betas_zero_snr === true;
  if (zeroSnr && T < 2) {
    return [error(['rescale_betas_zero_snr'], 'out-of-range', 'rescale_betas_zero_snr needs num_train_timesteps ≥ 2 (it rescales ᾱ between the first and last timestep)')];
  }
  if (zeroSnr || abar[T - 1] >= FLOAT32_MIN_NORMAL) return [];
  const culprit = trained ? 'trained_betas' : sources.num_train_timesteps !== 'default' && T > 1000 ? 'num_train_timesteps' : 'beta_end';
  return [error([culprit], 'alpha-underflow', `ᾱ at the last training timestep is ${abar[T - 1]}, below float32's range (from ${culprit}` +
    ` = ${trained ? `${T} βs` : String(config[culprit])}): σ_max would be infinite. Use smaller β or fewer training timesteps` +
    ' (rescale_betas_zero_snr asks for zero terminal SNR on purpose)')];
}

/** The σ range Karras/exponential/beta spacing runs over (EulerDiscrete's sigma_min, sigma_max, each
 * defaulting to the training range) must run downward. */
export function sigmaRangeProblems(config: Config, trainMin: number, trainMax: number): Finding[] {
  if (!['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'].some((k) => config[k] === true)) {
    const set = ['sigma_min', 'sigma_max'].find((k) => typeof config[k] === 'number');
    return set ? [{ severity: 'info', path: [set], code: 'sigma-range-ignored',
      message: `${set} only acts with use_karras_sigmas, use_exponential_sigmas or use_beta_sigmas` }] : [];
  }
  const lo = (config.sigma_min as number | null) ?? trainMin;
  const hi = (config.sigma_max as number | null) ?? trainMax;
  if (lo < hi) return [];
  const key = config.sigma_min !== null ? 'sigma_min' : 'sigma_max';
  const which = (k: string, v: number) => `${k} ${v}${config[k] === null ? ' (the training value)' : ''}`;
  return [error([key], 'sigma-range-reversed', `${which('sigma_min', lo)} must be below ${which('sigma_max', hi)}: the schedule would run upward`)];
}

/** Leading spacing adds steps_offset to every timestep; at T or more no timestep is left in range. */
export function stepsOffsetProblems(className: string, config: Config): Finding[] {
  const T = config.num_train_timesteps as number;
  const offset = config.steps_offset as number;
  if (!SCHEDULER_CLASSES[className]!.usesSpacing || config.timestep_spacing !== 'leading' || offset < T) return [];
  return [error(['steps_offset'], 'out-of-range', `steps_offset ${offset} must be below num_train_timesteps ${T}: every leading timestep would be past the schedule`)];
}

/** DPM-Solver's lambda_min_clipped cuts the timesteps whose log-SNR λ is below it; it must leave some. */
export function lambdaClipProblems(config: Config, abar: Float64Array): Finding[] {
  const clip = config.lambda_min_clipped;
  if (typeof clip !== 'number' || clip === -Infinity) return [];
  const lambda0 = 0.5 * Math.log(abar[0] / (1 - abar[0]));
  if (clip < lambda0) return [];
  return [error(['lambda_min_clipped'], 'out-of-range', `lambda_min_clipped ${clip} is not below the largest log-SNR λ = ${lambda0.toPrecision(4)} (t = 0): it would clip every timestep`)];
}

function error(path: (string | number)[], code: string, message: string): Finding {
  return { severity: 'error', path, code, message };
}
