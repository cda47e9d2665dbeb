// Builds a sampler from a diffusers scheduler_config.json object, keyed by its `_class_name`.
import type { Finding } from '../config/findings';
import { alphasCumprod } from '../schedules/alphasCumprod';
import { trainingBetas, type BetaSchedule } from '../schedules/trainingBetas';
import { rescaleZeroTerminalSnr } from '../schedules/zeroTerminalSnr';
import { DDIMScheduler } from './ddim';
import { DEISMultistepScheduler } from './deisMultistep';
import { DPMSolverMultistepScheduler } from './dpmSolverMultistep';
import { UniPCMultistepScheduler } from './uniPcMultistep';
import { DDPMScheduler } from './ddpm';
import { EulerAncestralDiscreteScheduler } from './eulerAncestralDiscrete';
import { EulerDiscreteScheduler } from './eulerDiscrete';
import { HeunDiscreteScheduler } from './heunDiscrete';
import { KDPM2DiscreteScheduler } from './kdpm2Discrete';
import { LCMScheduler } from './lcm';
import { LMSDiscreteScheduler } from './lmsDiscrete';
import { PNDMScheduler } from './pndm';
import type { Scheduler } from './scheduler';

type Config = Readonly<Record<string, unknown>>;
type Factory = (config: Config, alphasCumprod: Float64Array) => Scheduler;

interface Entry {
  readonly create: Factory;
  /** With zero terminal SNR these classes set ᾱ_T to 2⁻²⁴ instead of 0, so σ_max is finite (≈ 4096). */
  readonly zeroSnrFloor?: boolean;
}

// The samplers take their effective config as diffusers' __init__ would see it; the config reader
// has checked types and filled defaults, so the casts here only name the shape.
const entries: Record<string, Entry> = {
  DDIMScheduler: { create: (c, a) => new DDIMScheduler(c as never, a) },
  DDPMScheduler: { create: (c, a) => new DDPMScheduler(c as never, a) },
  PNDMScheduler: { create: (c, a) => new PNDMScheduler(c as never, a) },
  LCMScheduler: { create: (c, a) => new LCMScheduler(c as never, a) },
  EulerDiscreteScheduler: { create: (c, a) => new EulerDiscreteScheduler(c as never, a), zeroSnrFloor: true },
  EulerAncestralDiscreteScheduler: { create: (c, a) => new EulerAncestralDiscreteScheduler(c as never, a), zeroSnrFloor: true },
  HeunDiscreteScheduler: { create: (c, a) => new HeunDiscreteScheduler(c as never, a) },
  KDPM2DiscreteScheduler: { create: (c, a) => new KDPM2DiscreteScheduler(c as never, a) },
  LMSDiscreteScheduler: { create: (c, a) => new LMSDiscreteScheduler(c as never, a) },
  DPMSolverMultistepScheduler: { create: (c, a) => new DPMSolverMultistepScheduler(c as never, a), zeroSnrFloor: true },
  UniPCMultistepScheduler: { create: (c, a) => new UniPCMultistepScheduler(c as never, a), zeroSnrFloor: true },
  DEISMultistepScheduler: { create: (c, a) => new DEISMultistepScheduler(c as never, a) },
};

/** `_class_name`s createScheduler builds. */
export const schedulerClassNames: readonly string[] = Object.keys(entries);

/** ᾱ over the training timesteps as the class's constructor builds it. */
export function trainingAlphasCumprod(className: string, config: Config): Float64Array {
  let betas = trainingBetas({
    numTrainTimesteps: config.num_train_timesteps as number,
    betaStart: config.beta_start as number,
    betaEnd: config.beta_end as number,
    betaSchedule: config.beta_schedule as BetaSchedule,
    trainedBetas: config.trained_betas as number[] | null,
  });
  if (config.rescale_betas_zero_snr) betas = rescaleZeroTerminalSnr(betas);
  const abar = alphasCumprod(betas);
  if (config.rescale_betas_zero_snr && entries[className]?.zeroSnrFloor) abar[abar.length - 1] = 2 ** -24;
  return abar;
}

/** Reads a scheduler_config.json value (any JSON at all) and builds its sampler. `overrides` are
 * config keys applied on top, as diffusers' `from_config(config, **kwargs)`. Problems come back as
 * findings; `scheduler` is absent when an error finding leaves nothing to build. */
export function createScheduler(json: unknown, overrides: Config = {}): { scheduler?: Scheduler; findings: Finding[] } {
  const { className, config, findings } = readConfig(json, overrides);
  const entry = className === undefined ? undefined : entries[className];
  if (!entry || !config) return { findings };
  if (findings.some((f) => f.severity === 'error')) return { findings };
  try {
    return { scheduler: entry.create(config, trainingAlphasCumprod(className!, config)), findings };
  } catch (e) {
    return { findings: [...findings, { severity: 'error', path: [], code: 'invalid-config', message: (e as Error).message }] };
  }
}

// Interim reader until the shared config reader (class defaults table and findings) lands.
const DEFAULTS: Record<string, Config> = {
  DDIMScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    clip_sample: true, set_alpha_to_one: true, steps_offset: 0, prediction_type: 'epsilon', thresholding: false,
    dynamic_thresholding_ratio: 0.995, clip_sample_range: 1.0, sample_max_value: 1.0, timestep_spacing: 'leading',
    rescale_betas_zero_snr: false,
  },
  EulerDiscreteScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    prediction_type: 'epsilon', interpolation_type: 'linear', use_karras_sigmas: false, use_exponential_sigmas: false,
    use_beta_sigmas: false, sigma_min: null, sigma_max: null, timestep_spacing: 'linspace', timestep_type: 'discrete',
    steps_offset: 0, rescale_betas_zero_snr: false, final_sigmas_type: 'zero',
  },
  DDPMScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    variance_type: 'fixed_small', clip_sample: true, prediction_type: 'epsilon', thresholding: false,
    dynamic_thresholding_ratio: 0.995, clip_sample_range: 1.0, sample_max_value: 1.0, timestep_spacing: 'leading',
    steps_offset: 0, rescale_betas_zero_snr: false,
  },
  PNDMScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    skip_prk_steps: false, set_alpha_to_one: false, prediction_type: 'epsilon', timestep_spacing: 'leading', steps_offset: 0,
  },
  LCMScheduler: {
    num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', trained_betas: null,
    original_inference_steps: 50, clip_sample: false, clip_sample_range: 1.0, set_alpha_to_one: true, steps_offset: 0,
    prediction_type: 'epsilon', thresholding: false, dynamic_thresholding_ratio: 0.995, sample_max_value: 1.0,
    timestep_spacing: 'leading', timestep_scaling: 10.0, rescale_betas_zero_snr: false,
  },
  EulerAncestralDiscreteScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    prediction_type: 'epsilon', timestep_spacing: 'linspace', steps_offset: 0, rescale_betas_zero_snr: false,
  },
  HeunDiscreteScheduler: {
    num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'linear', trained_betas: null,
    prediction_type: 'epsilon', use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false,
    clip_sample: false, clip_sample_range: 1.0, timestep_spacing: 'linspace', steps_offset: 0,
  },
  KDPM2DiscreteScheduler: {
    num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'linear', trained_betas: null,
    use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false, prediction_type: 'epsilon',
    timestep_spacing: 'linspace', steps_offset: 0,
  },
  LMSDiscreteScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false, prediction_type: 'epsilon',
    timestep_spacing: 'linspace', steps_offset: 0,
  },
  DPMSolverMultistepScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    solver_order: 2, prediction_type: 'epsilon', thresholding: false, dynamic_thresholding_ratio: 0.995,
    sample_max_value: 1.0, algorithm_type: 'dpmsolver++', solver_type: 'midpoint', lower_order_final: true,
    euler_at_final: false, use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false,
    use_lu_lambdas: false, use_flow_sigmas: false, flow_shift: 1.0, final_sigmas_type: 'zero',
    lambda_min_clipped: -Infinity, variance_type: null, timestep_spacing: 'linspace', steps_offset: 0,
    rescale_betas_zero_snr: false, use_dynamic_shifting: false, time_shift_type: 'exponential',
  },
  UniPCMultistepScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    solver_order: 2, prediction_type: 'epsilon', thresholding: false, dynamic_thresholding_ratio: 0.995,
    sample_max_value: 1.0, predict_x0: true, solver_type: 'bh2', lower_order_final: true, disable_corrector: [],
    solver_p: null, use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false,
    use_flow_sigmas: false, flow_shift: 1.0, timestep_spacing: 'linspace', steps_offset: 0, final_sigmas_type: 'zero',
    rescale_betas_zero_snr: false, use_dynamic_shifting: false, time_shift_type: 'exponential',
  },
  DEISMultistepScheduler: {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    solver_order: 2, prediction_type: 'epsilon', thresholding: false, dynamic_thresholding_ratio: 0.995,
    sample_max_value: 1.0, algorithm_type: 'deis', solver_type: 'logrho', lower_order_final: true,
    use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false, use_flow_sigmas: false,
    flow_shift: 1.0, timestep_spacing: 'linspace', steps_offset: 0, use_dynamic_shifting: false,
    time_shift_type: 'exponential',
  },
};

function readConfig(json: unknown, overrides: Config): { className?: string; config?: Config; findings: Finding[] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { findings: [{ severity: 'error', path: [], code: 'not-an-object', message: 'A scheduler config must be a JSON object' }] };
  }
  const raw = { ...(json as Config), ...overrides };
  const className = raw._class_name;
  if (typeof className !== 'string' || !DEFAULTS[className]) {
    const known = Object.keys(DEFAULTS).join(', ');
    return { findings: [{ severity: 'error', path: ['_class_name'], code: 'unknown-class', message: `_class_name ${JSON.stringify(className)} is not one of ${known}` }] };
  }
  const config: Record<string, unknown> = { ...DEFAULTS[className] };
  for (const key of Object.keys(config)) if (key in raw) config[key] = raw[key];
  return { className, config, findings: [] };
}
