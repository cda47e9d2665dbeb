// Configs whose every key is in range but whose schedule still breaks the samplers' math (NaN or
// infinite σ, a schedule that runs upward, nothing left to sample). Each finding is placed on the
// key that causes the problem, so the error names it instead of a NaN many steps later.
import { alphasCumprod } from '../schedules/alphasCumprod';
import { configAlphasCumprod, configBetas } from './configSchedule';
import type { Finding } from './findings';
import type { Source } from './crossChecks';
import { SCHEDULER_CLASSES } from './schedulerClasses';

type Config = Readonly<Record<string, unknown>>;

/** Smallest normal float32: diffusers keeps ᾱ in float32, and below this it is 0 or loses its digits,
 * so σ = √((1 − ᾱ)/ᾱ) is infinite or meaningless. */
const FLOAT32_MIN_NORMAL = 2 ** -126;

const TRAINING_KEYS = [
  'num_train_timesteps',
  'beta_start',
  'beta_end',
  'beta_schedule',
  'trained_betas',
  'rescale_betas_zero_snr',
];

/** Whether a rejected training key leaves the training schedule unknown (then these checks stay quiet). */
export function trainingKeysBad(bad: ReadonlySet<string>): boolean {
  return TRAINING_KEYS.some((k) => bad.has(k));
}

/** The training ᾱ must fall strictly from below 1 and stay a normal float32 down to t = T−1 (unless
 * zero terminal SNR is asked for): otherwise σ is 0, flat or infinite somewhere and log σ, the
 * σ → timestep map and the Karras range turn to NaN. */
export function trainingScheduleProblems(
  className: string,
  config: Config,
  sources: Readonly<Record<string, Source>>,
): Finding[] {
  const betas = configBetas(config);
  const abar = alphasCumprod(betas);
  const T = abar.length;
  const trained = config.trained_betas !== null;
  const under = abar.findIndex((a) => a < FLOAT32_MIN_NORMAL);
  const flat = firstNotFalling(under === -1 ? abar : abar.subarray(0, under));
  if (flat !== undefined) {
    const path = trained ? ['trained_betas', flat] : [flat < T / 2 ? 'beta_start' : 'beta_end'];
    return [
      error(
        path,
        'flat-schedule',
        `β at training timestep ${flat} is ${betas[flat]}: 1 − β rounds to 1 in ` +
          `float32 (β below about 6e-8), so ᾱ stops falling there and σ is ${flat === 0 ? '0' : 'flat'}; the samplers ` +
          'cannot tell such timesteps apart',
      ),
    ];
  }
  const zeroSnr = config.rescale_betas_zero_snr === true;
  // Zero-SNR rescaling wants ᾱ_T = 0 and maps the rest from √ᾱ, which survives an underflowing last value.
  if (under !== -1 && !(zeroSnr && under === T - 1)) {
    const longT = sources.num_train_timesteps !== 'default' && T > 1000;
    const culprit = trained ? 'trained_betas' : longT ? 'num_train_timesteps' : 'beta_end';
    const value = trained ? `${T} βs` : String(config[culprit]);
    return [
      error(
        [culprit],
        'alpha-underflow',
        `ᾱ at training timestep ${under} is ${abar[under]}, below float32's ` +
          `range (from ${culprit} = ${value}): σ there would be infinite. Use smaller β or fewer training timesteps ` +
          '(rescale_betas_zero_snr asks for zero terminal SNR on purpose)',
      ),
    ];
  }
  return zeroSnr ? rescaledProblems(className, config) : [];
}

/** The first timestep where ᾱ does not fall below the one before (1 before t = 0), if any. */
function firstNotFalling(abar: Float64Array): number | undefined {
  for (let t = 0; t < abar.length; t++) if (!(abar[t] < (t === 0 ? 1 : abar[t - 1]))) return t;
  return undefined;
}

/** The classes that floor ᾱ_T at 2⁻²⁴ after zero-SNR rescaling (diffusers) leave the timesteps just
 * before it below the floor, so σ there exceeds σ_max: 3 timesteps of SD's 1000, never visited by a
 * trailing schedule of up to 100 steps. Long schedules push thousands below it. */
function rescaledProblems(className: string, config: Config): Finding[] {
  const abar = configAlphasCumprod(className, config);
  const T = abar.length;
  let below = 0;
  for (let t = 0; t < T - 1; t++) if (abar[t] <= abar[T - 1]) below++;
  if (below < T / 100) return [];
  return [
    error(
      ['rescale_betas_zero_snr'],
      'rescaled-schedule',
      `rescale_betas_zero_snr with num_train_timesteps ` +
        `${T}: ${below} timesteps before the last have ᾱ below the 2⁻²⁴ that ${className} puts at the last one, so σ ` +
        'would rise again near the end',
    ),
  ];
}

/** The σ range Karras/exponential/beta spacing runs over (EulerDiscrete's sigma_min, sigma_max, each
 * defaulting to the training range) must run downward. */
export function sigmaRangeProblems(config: Config, trainMin: number, trainMax: number): Finding[] {
  if (!['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'].some((k) => config[k] === true)) {
    return sigmaRangeIgnored(config);
  }
  const lo = (config.sigma_min as number | null) ?? trainMin;
  const hi = (config.sigma_max as number | null) ?? trainMax;
  const which = (k: string, v: number) => `${k} ${v}${config[k] === null ? ' (the training value)' : ''}`;
  if (!(lo < hi)) {
    const key = config.sigma_min !== null ? 'sigma_min' : 'sigma_max';
    const message = `${which('sigma_min', lo)} must be below ${which('sigma_max', hi)}: the schedule would run upward`;
    return [error([key], 'sigma-range-reversed', message)];
  }
  const outside = lo < trainMin ? 'sigma_min' : hi > trainMax ? 'sigma_max' : undefined;
  if (!outside) return [];
  const range = `${trainMin.toPrecision(4)} to ${trainMax.toPrecision(4)}`;
  if (outside === 'sigma_min' && config.final_sigmas_type === 'sigma_min') {
    return [
      error(
        ['sigma_min'],
        'sigma-range-reversed',
        `sigma_min ${lo} is below the training σ (${range}), ` +
          'where final_sigmas_type "sigma_min" ends: the last step would raise σ',
      ),
    ];
  }
  const message =
    `${outside} ${config[outside] as number} is outside the training range of σ (${range}): the model never saw ` +
    `it, and its steps reuse timestep ${outside === 'sigma_min' ? '0' : 'T−1'}`;
  return [{ severity: 'warning', path: [outside], code: 'sigma-outside-training', message }];
}

function sigmaRangeIgnored(config: Config): Finding[] {
  const set = ['sigma_min', 'sigma_max'].find((k) => typeof config[k] === 'number');
  const message = `${set} only acts with use_karras_sigmas, use_exponential_sigmas or use_beta_sigmas`;
  return set ? [{ severity: 'info', path: [set], code: 'sigma-range-ignored', message }] : [];
}

/** Leading spacing adds steps_offset to every timestep; at T or more no timestep is left in range. */
export function stepsOffsetProblems(className: string, config: Config): Finding[] {
  const T = config.num_train_timesteps as number;
  const offset = config.steps_offset as number;
  if (!SCHEDULER_CLASSES[className].usesSpacing || config.timestep_spacing !== 'leading' || offset < T) return [];
  return [
    error(
      ['steps_offset'],
      'out-of-range',
      `steps_offset ${offset} must be below num_train_timesteps ${T}: ` +
        'every leading timestep would be past the schedule',
    ),
  ];
}

/** DPM-Solver's lambda_min_clipped cuts the timesteps whose log-SNR λ is below it; it must leave some. */
export function lambdaClipProblems(config: Config, abar: Float64Array): Finding[] {
  const clip = config.lambda_min_clipped;
  if (typeof clip !== 'number' || clip === -Infinity) return [];
  const lambda0 = 0.5 * Math.log(abar[0] / (1 - abar[0]));
  if (clip < lambda0) return [];
  return [
    error(
      ['lambda_min_clipped'],
      'out-of-range',
      `lambda_min_clipped ${clip} is not below the largest ` +
        `log-SNR λ = ${lambda0.toPrecision(4)} (t = 0): it would clip every timestep`,
    ),
  ];
}

function error(path: (string | number)[], code: string, message: string): Finding {
  return { severity: 'error', path, code, message };
}
