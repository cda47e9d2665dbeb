import { logSnr } from '../schedules/noiseLevels';
import { configAlphasCumprod, isEdmClass, sigmaRange } from './configSchedule';
import { edmConfigProblems } from './edmChecks';
import type { Finding } from './findings';
import {
  lambdaClipProblems,
  sigmaRangeProblems,
  stepsOffsetProblems,
  trainingKeysBad,
  trainingScheduleProblems,
} from './scheduleChecks';
import { SCHEDULER_CLASSES } from './schedulerClasses';

type Config = Readonly<Record<string, unknown>>;
export type Source = 'file' | 'default' | 'override';

/** Problems between keys of an effective config (each key already type- and range-checked). `bad`
 * holds keys whose value was rejected, so checks that depend on them stay quiet. */
export function crossChecks(
  className: string,
  config: Config,
  sources: Readonly<Record<string, Source>>,
  bad: ReadonlySet<string>,
): Finding[] {
  const cls = SCHEDULER_CLASSES[className];
  const has = (k: string) => Object.hasOwn(cls.keys, k);
  const given = (k: string) => sources[k] !== undefined && sources[k] !== 'default';
  if (isEdmClass(className)) return edmConfigProblems(config, bad);
  const out: Finding[] = [];
  const add = (severity: Finding['severity'], key: string, code: string, message: string) =>
    out.push({ severity, path: key ? [key] : [], code, message });

  const sigmaKinds = ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'].filter(
    (k) => config[k] === true,
  );
  if (sigmaKinds.length > 1)
    add(
      'error',
      sigmaKinds[1],
      'conflicting-sigma-schedules',
      `Only one of ${sigmaKinds.join(', ')} can be true (diffusers raises)`,
    );

  const T = config.num_train_timesteps as number;
  const trained = config.trained_betas as number[] | null;
  if (trained !== null && !bad.has('trained_betas'))
    out.push(...(cls.ownSchedule ? ownBetasProblems(trained) : trainedBetasProblems(trained, T, given)));
  if (trained === null && (config.beta_end as number) < (config.beta_start as number)) {
    add(
      'warning',
      'beta_end',
      'beta-range-reversed',
      `beta_end ${config.beta_end as number} is below beta_start ${config.beta_start as number}: noise would shrink over time`,
    );
  }

  if (cls.usesSpacing && config.steps_offset !== 0 && config.timestep_spacing !== 'leading') {
    add(
      'info',
      'steps_offset',
      'steps-offset-ignored',
      `steps_offset ${config.steps_offset as number} has no effect with "${config.timestep_spacing as string}" spacing; diffusers applies it with "leading" only`,
    );
  }
  if (!cls.usesSpacing && has('timestep_spacing') && (given('timestep_spacing') || config.steps_offset !== 0)) {
    add(
      'info',
      given('timestep_spacing') ? 'timestep_spacing' : 'steps_offset',
      'spacing-ignored',
      `${className} takes its timesteps from original_inference_steps; timestep_spacing and steps_offset have no effect`,
    );
  }

  if (className === 'DPMSolverMultistepScheduler' || className === 'DPMSolverSinglestepScheduler') {
    const algo = config.algorithm_type as string;
    if (algo === 'dpmsolver' || algo === 'sde-dpmsolver') {
      add(
        'warning',
        'algorithm_type',
        'deprecated-value',
        `algorithm_type "${algo}" is deprecated in diffusers; "${algo}++" is the maintained variant`,
      );
      if (config.final_sigmas_type === 'zero') {
        add(
          'error',
          'final_sigmas_type',
          'final-sigmas-type-unsupported',
          `final_sigmas_type "zero" is not supported with algorithm_type "${algo}" (diffusers raises); use "sigma_min"`,
        );
      }
    }
  }
  if (className === 'TCDScheduler') {
    for (const key of ['clip_sample', 'thresholding', 'timestep_scaling'].filter(given)) {
      add('info', key, 'key-unused', `TCDScheduler has ${key} in its config, but its step never reads it (diffusers)`);
    }
  }
  if (has('original_inference_steps') && (config.original_inference_steps as number) > T) {
    add(
      'error',
      'original_inference_steps',
      'out-of-range',
      `original_inference_steps ${config.original_inference_steps as number} exceeds num_train_timesteps ${T}`,
    );
  }
  if (has('solver_p') && config.solver_p !== null) {
    add(
      'warning',
      'solver_p',
      'unsupported-value',
      'solver_p takes a scheduler object in Python; a config file cannot set it, so it is ignored',
    );
  }
  const variance = config.variance_type;
  if (variance === 'learned' || variance === 'learned_range') {
    add(
      'warning',
      'variance_type',
      'learned-variance',
      `variance_type "${variance}" needs a model that outputs twice the latent channels (mean and variance)`,
    );
  }
  if (config.rescale_betas_zero_snr === true && config.prediction_type === 'epsilon') {
    add(
      'warning',
      'prediction_type',
      'zero-snr-epsilon',
      'With zero terminal SNR an epsilon-prediction model cannot infer x0 at the last timestep; Lin et al. 2023 train with v_prediction',
    );
  }
  out.push(...stepsOffsetProblems(className, config));
  if (cls.ownSchedule || trainingKeysBad(bad) || out.some((f) => f.severity === 'error')) return out;
  const schedule = trainingScheduleProblems(className, config, sources);
  if (schedule.length) return [...out, ...schedule];
  return [...out, ...derivedScheduleProblems(className, config)];
}

/** Checks that need a sound training schedule: the σ range, the λ clip, leading spacing. */
function derivedScheduleProblems(className: string, config: Config): Finding[] {
  const keys = SCHEDULER_CLASSES[className].keys;
  const out: Finding[] = [];
  if (Object.hasOwn(keys, 'sigma_min')) {
    const range = sigmaRange(className, config);
    out.push(...sigmaRangeProblems(config, range.min, range.max));
  }
  if (Object.hasOwn(keys, 'lambda_min_clipped'))
    out.push(...lambdaClipProblems(config, configAlphasCumprod(className, config)));
  if (SCHEDULER_CLASSES[className].usesSpacing) out.push(...leadingSpacingProblems(className, config));
  return out;
}

/** Lin et al. 2023: leading spacing never visits t = T−1, and a nonzero terminal SNR means training
 * never showed the model pure noise; either way the first step sees a mismatch. */
function leadingSpacingProblems(className: string, config: Config): Finding[] {
  if (config.timestep_spacing !== 'leading') return [];
  const abar = configAlphasCumprod(className, config);
  const aT = abar[abar.length - 1];
  const snrT = aT / (1 - aT);
  if (config.rescale_betas_zero_snr === true) {
    return [
      {
        severity: 'warning',
        path: ['timestep_spacing'],
        code: 'zero-snr-leading',
        message:
          'rescale_betas_zero_snr makes t = T−1 pure noise, but "leading" spacing never samples it; use "trailing" (Lin et al. 2023)',
      },
    ];
  }
  if (!(snrT > 0)) return [];
  const fig = (x: number) => x.toPrecision(3);
  // SD 1.x/2.x and SDXL were trained so and ship this config: worth knowing, not a mistake in the file.
  return [
    {
      severity: 'info',
      path: ['timestep_spacing'],
      code: 'nonzero-terminal-snr-leading',
      message: `Terminal SNR is ${fig(snrT)} (log-SNR ${fig(logSnr(aT))}, √ᾱ_T = ${fig(Math.sqrt(aT))}) and "leading" spacing starts below t = T−1: sampling starts from noise the model reads as still holding signal. "trailing" spacing (and rescale_betas_zero_snr with a v-prediction model) avoids this (Lin et al. 2023)`,
    },
  ];
}

/** IPNDM's trained_betas are its own schedule: a noise coefficient in [0, 1] per point, the final one included. */
function ownBetasProblems(betas: readonly number[]): Finding[] {
  const error = (code: string, message: string): Finding[] => [
    { severity: 'error', path: ['trained_betas'], code, message },
  ];
  if (betas.length < 2)
    return error(
      'trained-betas-length',
      `trained_betas has ${betas.length} values; IPNDM needs one per step and a final one`,
    );
  const i = betas.findIndex((b) => !(b >= 0 && b <= 1));
  if (i >= 0)
    return error('trained-betas-range', `trained_betas[${i}] = ${betas[i]}: each noise coefficient must be in [0, 1]`);
  return [];
}

const MAX_ELEMENT_FINDINGS = 10;

function trainedBetasProblems(betas: readonly number[], T: number, given: (k: string) => boolean): Finding[] {
  const out: Finding[] = [];
  if (betas.length !== T) {
    out.push({
      severity: 'error',
      path: ['trained_betas'],
      code: 'trained-betas-length',
      message: `trained_betas has ${betas.length} values but num_train_timesteps is ${T}`,
    });
  }
  let bad = 0;
  for (let i = 0; i < betas.length; i++) {
    const b = betas[i];
    if (b >= 0 && b < 1) continue;
    if (bad++ < MAX_ELEMENT_FINDINGS) {
      out.push({
        severity: 'error',
        path: ['trained_betas', i],
        code: 'trained-betas-range',
        message: `trained_betas[${i}] = ${b}: each β must be in [0, 1)`,
      });
    }
  }
  if (bad > MAX_ELEMENT_FINDINGS) {
    out.push({
      severity: 'error',
      path: ['trained_betas'],
      code: 'trained-betas-range',
      message: `${bad - MAX_ELEMENT_FINDINGS} more trained_betas are outside [0, 1)`,
    });
  }
  const shadowed = ['beta_schedule', 'beta_start', 'beta_end'].filter(given);
  if (shadowed.length) {
    out.push({
      severity: 'info',
      path: [shadowed[0]],
      code: 'trained-betas-override',
      message: `trained_betas is set, so ${shadowed.join(', ')} ${shadowed.length > 1 ? 'have' : 'has'} no effect`,
    });
  }
  return out;
}
