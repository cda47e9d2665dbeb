import { KEY_SPECS, type ConfigKey, type ConfigKeySpec, type JsonValue } from './keySpecs';

/** One scheduler class: its config keys (diffusers 0.35.2's __init__ signature, in order) and facts the
 * reader needs. */
export interface SchedulerClassSpec {
  readonly doc: string;
  readonly keys: Readonly<Record<string, ConfigKeySpec>>;
  /** With zero terminal SNR these classes set ᾱ_T to 2⁻²⁴ instead of 0, so σ_max ≈ 4096 stays finite. */
  readonly zeroSnrFloor: boolean;
  /** Whether timestep_spacing / steps_offset act (LCM takes its timesteps from original_inference_steps). */
  readonly usesSpacing: boolean;
  /** No training β: set_timesteps builds the class's own schedule (IPNDM, over t from 1 to 0). */
  readonly ownSchedule?: true;
  /** diffusers' class has no add_noise (IPNDM), so its image pipelines fail where they noise the image. */
  readonly noAddNoise?: true;
}

type KeyOverride = { readonly default: JsonValue } & Partial<Omit<ConfigKeySpec, 'default'>>;

function keys(entries: Partial<Record<ConfigKey, KeyOverride>>): Record<string, ConfigKeySpec> {
  const out: Record<string, ConfigKeySpec> = {};
  for (const [k, o] of Object.entries(entries)) out[k] = { ...KEY_SPECS[k as ConfigKey], ...o };
  return out;
}

const BETAS = ['linear', 'scaled_linear', 'squaredcos_cap_v2'];
const PREDICTIONS = ['epsilon', 'v_prediction', 'sample'];
const FLOW_PREDICTIONS = [...PREDICTIONS, 'flow_prediction'];

/** The training-schedule keys most classes share, with diffusers' most common defaults. */
const train = (o: { beta_start?: number; beta_end?: number; beta_schedule?: string; betas?: string[] } = {}) => ({
  num_train_timesteps: { default: 1000 },
  beta_start: { default: o.beta_start ?? 0.0001 },
  beta_end: { default: o.beta_end ?? 0.02 },
  beta_schedule: { default: o.beta_schedule ?? 'linear', enum: o.betas ?? BETAS },
  trained_betas: { default: null },
});
const thresholdingKeys = {
  thresholding: { default: false },
  dynamic_thresholding_ratio: { default: 0.995 },
  sample_max_value: { default: 1.0 },
};
const sigmaKinds = {
  use_karras_sigmas: { default: false },
  use_exponential_sigmas: { default: false },
  use_beta_sigmas: { default: false },
};
const flowKeys = { use_flow_sigmas: { default: false }, flow_shift: { default: 1.0 } };
const shiftKeys = { use_dynamic_shifting: { default: false }, time_shift_type: { default: 'exponential' } };

/** The keys both EDM classes open with (diffusers' order), then the class's own. They have no training β:
 * σ runs over [sigma_min, sigma_max] and the network is preconditioned with sigma_data. */
const edmKeys = (own: Partial<Record<ConfigKey, KeyOverride>>): Partial<Record<ConfigKey, KeyOverride>> => ({
  sigma_min: { default: 0.002, nullable: false, doc: 'EDM: smallest σ of the schedule (0.002 in the paper).' },
  sigma_max: { default: 80.0, nullable: false, doc: 'EDM: largest σ, where sampling starts (80 in the paper).' },
  sigma_data: { default: 0.5 },
  sigma_schedule: { default: 'karras' },
  num_train_timesteps: { default: 1000 },
  prediction_type: { default: 'epsilon', enum: ['epsilon', 'v_prediction'] },
  rho: { default: 7.0 },
  ...own,
});

/** The keys of the consistency-distilled classes: TCDScheduler's config is LCMScheduler's, key for key. */
const consistencyKeys = (): Partial<Record<ConfigKey, KeyOverride>> => ({
  ...train({ beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' }),
  original_inference_steps: { default: 50 },
  clip_sample: { default: false, nullable: false },
  clip_sample_range: { default: 1.0 },
  set_alpha_to_one: { default: true },
  steps_offset: { default: 0 },
  prediction_type: { default: 'epsilon', enum: PREDICTIONS },
  ...thresholdingKeys,
  timestep_spacing: { default: 'leading' },
  timestep_scaling: { default: 10.0 },
  rescale_betas_zero_snr: { default: false },
});

/** Every scheduler class Diffusion Lab implements, keyed by diffusers' `_class_name`. Plain data. */
export const SCHEDULER_CLASSES: Readonly<Record<string, SchedulerClassSpec>> = {
  DDPMScheduler: {
    doc: 'Ancestral sampling of Ho et al. 2020 (DDPM).',
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train({ betas: [...BETAS, 'sigmoid'] }),
      variance_type: {
        default: 'fixed_small',
        nullable: false,
        enum: ['fixed_small', 'fixed_small_log', 'fixed_large', 'fixed_large_log', 'learned', 'learned_range'],
      },
      clip_sample: { default: true, nullable: false },
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      ...thresholdingKeys,
      clip_sample_range: { default: 1.0 },
      timestep_spacing: { default: 'leading' },
      steps_offset: { default: 0 },
      rescale_betas_zero_snr: { default: false },
    }),
  },
  DDIMScheduler: {
    doc: 'Denoising diffusion implicit models (Song et al. 2021); eta 0 is deterministic.',
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train(),
      clip_sample: { default: true, nullable: false },
      set_alpha_to_one: { default: true },
      steps_offset: { default: 0 },
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      ...thresholdingKeys,
      clip_sample_range: { default: 1.0 },
      timestep_spacing: { default: 'leading' },
      rescale_betas_zero_snr: { default: false },
    }),
  },
  DDIMInverseScheduler: {
    doc: 'DDIM run backwards, from an image towards noise (DDIM inversion); for reconstructing or editing real images.',
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train(),
      clip_sample: { default: true, nullable: false },
      set_alpha_to_one: { default: true },
      steps_offset: { default: 0 },
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      clip_sample_range: { default: 1.0 },
      timestep_spacing: { default: 'leading', enum: ['leading', 'trailing'] },
      rescale_betas_zero_snr: { default: false },
    }),
  },
  PNDMScheduler: {
    doc: "Pseudo numerical methods (Liu et al. 2022): PLMS, Stable Diffusion 1.x's shipped scheduler.",
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train(),
      skip_prk_steps: { default: false },
      set_alpha_to_one: { default: false },
      prediction_type: { default: 'epsilon', enum: ['epsilon', 'v_prediction'] },
      timestep_spacing: { default: 'leading' },
      steps_offset: { default: 0 },
    }),
  },
  LMSDiscreteScheduler: {
    doc: 'Linear multistep in σ (Karras et al. 2022\'s k-diffusion "LMS").',
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train(),
      ...sigmaKinds,
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
    }),
  },
  EulerDiscreteScheduler: {
    doc: 'Euler steps in σ (Karras et al. 2022, Algorithm 2 without churn), A1111 "Euler".',
    zeroSnrFloor: true,
    usesSpacing: true,
    keys: keys({
      ...train(),
      prediction_type: { default: 'epsilon', enum: [...PREDICTIONS, 'original_sample'] },
      interpolation_type: { default: 'linear' },
      ...sigmaKinds,
      sigma_min: { default: null },
      sigma_max: { default: null },
      timestep_spacing: { default: 'linspace' },
      timestep_type: { default: 'discrete' },
      steps_offset: { default: 0 },
      rescale_betas_zero_snr: { default: false },
      final_sigmas_type: { default: 'zero' },
    }),
  },
  EulerAncestralDiscreteScheduler: {
    doc: 'Euler with ancestral noise (k-diffusion), A1111 "Euler a".',
    zeroSnrFloor: true,
    usesSpacing: true,
    keys: keys({
      ...train(),
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
      rescale_betas_zero_snr: { default: false },
    }),
  },
  HeunDiscreteScheduler: {
    doc: "Heun's second-order method in σ (Karras et al. 2022, Algorithm 1); two model calls per step.",
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train({ beta_start: 0.00085, beta_end: 0.012, betas: [...BETAS, 'exp'] }),
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      ...sigmaKinds,
      clip_sample: { default: false },
      clip_sample_range: { default: 1.0 },
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
    }),
  },
  KDPM2DiscreteScheduler: {
    doc: 'DPM-Solver-2 in σ (k-diffusion sample_dpm_2), A1111 "DPM2"; two model calls per step.',
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train({ beta_start: 0.00085, beta_end: 0.012 }),
      ...sigmaKinds,
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
    }),
  },
  KDPM2AncestralDiscreteScheduler: {
    doc: 'DPM-Solver-2 in σ with ancestral noise (k-diffusion sample_dpm_2_ancestral); two model calls per step.',
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train({ beta_start: 0.00085, beta_end: 0.012 }),
      ...sigmaKinds,
      prediction_type: { default: 'epsilon', enum: PREDICTIONS },
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
    }),
  },
  DPMSolverMultistepScheduler: {
    doc: 'DPM-Solver / DPM-Solver++ multistep (Lu et al. 2022), A1111 "DPM++ 2M" (and "SDE" variants).',
    zeroSnrFloor: true,
    usesSpacing: true,
    keys: keys({
      ...train(),
      solver_order: { default: 2 },
      prediction_type: { default: 'epsilon', enum: FLOW_PREDICTIONS },
      ...thresholdingKeys,
      algorithm_type: {
        default: 'dpmsolver++',
        enum: ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver', 'sde-dpmsolver++'],
        remap: { deis: 'dpmsolver++' },
      },
      solver_type: {
        default: 'midpoint',
        enum: ['midpoint', 'heun'],
        remap: { logrho: 'midpoint', bh1: 'midpoint', bh2: 'midpoint' },
      },
      lower_order_final: { default: true },
      euler_at_final: { default: false },
      ...sigmaKinds,
      use_lu_lambdas: { default: false },
      ...flowKeys,
      final_sigmas_type: { default: 'zero' },
      lambda_min_clipped: { default: -Infinity },
      variance_type: { default: null, enum: ['learned', 'learned_range'] },
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
      rescale_betas_zero_snr: { default: false },
      ...shiftKeys,
    }),
  },
  DPMSolverSinglestepScheduler: {
    doc: 'DPM-Solver / DPM-Solver++ singlestep (Lu et al. 2022): steps grouped by order 1, 2, 3; linspace timesteps.',
    zeroSnrFloor: false,
    usesSpacing: false,
    keys: keys({
      ...train(),
      solver_order: { default: 2 },
      prediction_type: { default: 'epsilon', enum: FLOW_PREDICTIONS },
      ...thresholdingKeys,
      algorithm_type: {
        default: 'dpmsolver++',
        enum: ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver++'],
        remap: { deis: 'dpmsolver++' },
      },
      solver_type: {
        default: 'midpoint',
        enum: ['midpoint', 'heun'],
        remap: { logrho: 'midpoint', bh1: 'midpoint', bh2: 'midpoint' },
      },
      lower_order_final: { default: false },
      ...sigmaKinds,
      ...flowKeys,
      final_sigmas_type: { default: 'zero' },
      lambda_min_clipped: { default: -Infinity },
      variance_type: { default: null, enum: ['learned', 'learned_range'] },
      ...shiftKeys,
    }),
  },
  UniPCMultistepScheduler: {
    doc: 'Unified predictor-corrector (Zhao et al. 2023), A1111 "UniPC".',
    zeroSnrFloor: true,
    usesSpacing: true,
    keys: keys({
      ...train(),
      // diffusers' UniPC takes any order; past 10 its Vandermonde solve loses float64 digits (README).
      solver_order: { default: 2, maximum: 8 },
      prediction_type: { default: 'epsilon', enum: FLOW_PREDICTIONS },
      ...thresholdingKeys,
      predict_x0: { default: true },
      solver_type: { default: 'bh2', enum: ['bh1', 'bh2'], remap: { midpoint: 'bh2', heun: 'bh2', logrho: 'bh2' } },
      lower_order_final: { default: true },
      disable_corrector: { default: [] },
      solver_p: { default: null },
      ...sigmaKinds,
      ...flowKeys,
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
      final_sigmas_type: { default: 'zero' },
      rescale_betas_zero_snr: { default: false },
      ...shiftKeys,
    }),
  },
  DEISMultistepScheduler: {
    doc: 'Diffusion exponential integrator sampler (Zhang & Chen 2023), multistep.',
    zeroSnrFloor: false,
    usesSpacing: true,
    keys: keys({
      ...train(),
      solver_order: { default: 2 },
      prediction_type: { default: 'epsilon', enum: FLOW_PREDICTIONS },
      ...thresholdingKeys,
      algorithm_type: { default: 'deis', enum: ['deis'], remap: { dpmsolver: 'deis', 'dpmsolver++': 'deis' } },
      solver_type: {
        default: 'logrho',
        enum: ['logrho'],
        remap: { midpoint: 'logrho', heun: 'logrho', bh1: 'logrho', bh2: 'logrho' },
      },
      lower_order_final: { default: true },
      ...sigmaKinds,
      ...flowKeys,
      timestep_spacing: { default: 'linspace' },
      steps_offset: { default: 0 },
      ...shiftKeys,
    }),
  },
  LCMScheduler: {
    doc: 'Latent consistency models (Luo et al. 2023): few-step sampling of a distilled model.',
    zeroSnrFloor: false,
    usesSpacing: false,
    keys: keys(consistencyKeys()),
  },
  IPNDMScheduler: {
    doc: 'Improved PNDM (Zhang & Chen 2023): Adams–Bashforth order 4 over its own t from 1 to 0; no training β.',
    zeroSnrFloor: false,
    usesSpacing: false,
    ownSchedule: true,
    noAddNoise: true,
    keys: keys({ num_train_timesteps: { default: 1000 }, trained_betas: { default: null } }),
  },
  EDMEulerScheduler: {
    doc: 'Euler in the EDM formulation (Karras et al. 2022), own σ range and preconditioning; EDM-trained models.',
    zeroSnrFloor: false,
    usesSpacing: false,
    keys: keys(edmKeys({ final_sigmas_type: { default: 'zero' } })),
  },
  EDMDPMSolverMultistepScheduler: {
    doc: 'DPM-Solver++ multistep in the EDM formulation with its preconditioning; EDM-trained models.',
    zeroSnrFloor: false,
    usesSpacing: false,
    keys: keys(
      edmKeys({
        solver_order: { default: 2 },
        ...thresholdingKeys,
        algorithm_type: {
          default: 'dpmsolver++',
          enum: ['dpmsolver++', 'sde-dpmsolver++'],
          remap: { deis: 'dpmsolver++' },
        },
        solver_type: {
          default: 'midpoint',
          enum: ['midpoint', 'heun'],
          remap: { logrho: 'midpoint', bh1: 'midpoint', bh2: 'midpoint' },
        },
        lower_order_final: { default: true },
        euler_at_final: { default: false },
        final_sigmas_type: { default: 'zero' },
      }),
    ),
  },
  TCDScheduler: {
    doc: 'Trajectory consistency distillation (Zheng et al. 2024): few-step sampling of a TCD model, eta (γ) noise.',
    zeroSnrFloor: false,
    usesSpacing: false,
    keys: keys(consistencyKeys()),
  },
};

/** Keys of diffusers classes that share `_compatibles` with ours but are not implemented here
 * (DPMSolverSDE's noise_sampler_seed): diffusers drops them silently. */
export const OTHER_COMPATIBLE_KEYS: readonly string[] = ['noise_sampler_seed'];

/** Implemented classes outside diffusers' KarrasDiffusionSchedulers list (the `_compatibles` of the others). */
export const OUTSIDE_KARRAS_LIST: readonly string[] = [
  'LCMScheduler',
  'IPNDMScheduler',
  'TCDScheduler',
  'EDMDPMSolverMultistepScheduler',
];

/** Classes whose own `_compatibles` is empty: read as one of them, another class's keys draw a warning unless
 * the file was saved from that class. EDMEuler is in the Karras list but lists no compatibles itself. */
export const WITHOUT_COMPATIBLES: readonly string[] = [...OUTSIDE_KARRAS_LIST, 'EDMEulerScheduler'];

/** Why a class cannot noise an image (diffusers' has no add_noise), or undefined: image runs that would are
 * refused with it before they start (the engine, the run check). */
export function addNoiseRefusal(className: string): string | undefined {
  if (!Object.hasOwn(SCHEDULER_CLASSES, className) || !SCHEDULER_CLASSES[className].noAddNoise) return undefined;
  return `${className} has no add_noise in diffusers: image runs need another scheduler`;
}
