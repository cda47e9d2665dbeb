/** A JSON value as a config table stores it. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[];

/** What a scheduler config key accepts, as data: the JSON schema and the inspector's UI come from it. */
export interface ConfigKeySpec {
  readonly type: 'integer' | 'number' | 'boolean' | 'string' | 'number[]' | 'integer[]';
  /** null is a meaningful value (diffusers' Optional[...] = None). */
  readonly nullable?: boolean;
  /** diffusers 0.35.2's __init__ default for this class. */
  readonly default: JsonValue;
  /** Values diffusers implements for this class. */
  readonly enum?: readonly string[];
  /** Values diffusers accepts but rewrites (deprecated spellings), and what it stores instead. */
  readonly remap?: Readonly<Record<string, string>>;
  /** Inclusive bounds; exclusive ones where a bound itself breaks the math. Every number must be finite
   * unless a bound is itself infinite (lambda_min_clipped's -Infinity means no clipping). The README's
   * "Bad input" section says why each maximum is what it is. */
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  /** One line for hovers and the UI. */
  readonly doc: string;
}

type Spec = Omit<ConfigKeySpec, 'default'>;

/** Key meanings shared by every class that has the key; classes add their default and enum. */
export const KEY_SPECS = {
  num_train_timesteps: {
    type: 'integer',
    minimum: 2,
    maximum: 10000,
    doc: 'Number of diffusion steps the model was trained with (T); Diffusion Lab reads up to 10000.',
  },
  beta_start: {
    type: 'number',
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    doc: 'β at the first training timestep (linear, scaled_linear and sigmoid schedules).',
  },
  beta_end: {
    type: 'number',
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    doc: 'β at the last training timestep (linear, scaled_linear and sigmoid schedules).',
  },
  beta_schedule: { type: 'string', doc: 'How β grows over the training timesteps.' },
  trained_betas: {
    type: 'number[]',
    nullable: true,
    doc: 'Explicit β per training timestep; overrides beta_schedule, beta_start and beta_end.',
  },
  prediction_type: {
    type: 'string',
    doc: 'What the model predicts: noise (epsilon), the clean sample (sample) or velocity (v_prediction).',
  },
  timestep_spacing: {
    type: 'string',
    enum: ['leading', 'trailing', 'linspace'],
    doc: 'How inference timesteps are spread over the training range (Lin et al. 2023, Table 2).',
  },
  steps_offset: {
    type: 'integer',
    minimum: 0,
    maximum: 9999,
    doc: 'Added to every timestep with leading spacing; ignored by trailing and linspace.',
  },
  rescale_betas_zero_snr: {
    type: 'boolean',
    doc: 'Rescale betas so the last timestep is pure noise (zero terminal SNR, Lin et al. 2023).',
  },
  clip_sample: { type: 'boolean', nullable: true, doc: 'Clip the predicted x0 to ±clip_sample_range.' },
  clip_sample_range: { type: 'number', exclusiveMinimum: 0, maximum: 1e6, doc: 'Bound for clip_sample.' },
  set_alpha_to_one: { type: 'boolean', doc: 'Use ᾱ = 1 for the step after the last one instead of ᾱ at t = 0.' },
  thresholding: {
    type: 'boolean',
    doc: 'Dynamic thresholding of the predicted x0 (Saharia et al. 2022, Imagen); pixel-space models only.',
  },
  dynamic_thresholding_ratio: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1,
    doc: 'Percentile of |x0| used as the threshold.',
  },
  sample_max_value: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1e6,
    doc: 'Largest threshold dynamic thresholding may use.',
  },
  variance_type: {
    type: 'string',
    nullable: true,
    doc: 'Variance of the added noise, or learned from a model that also outputs it.',
  },
  skip_prk_steps: {
    type: 'boolean',
    doc: 'Skip the Runge-Kutta warm-up and run PLMS only (as Stable Diffusion does).',
  },
  interpolation_type: {
    type: 'string',
    enum: ['linear', 'log_linear'],
    doc: 'How σ is interpolated between training timesteps.',
  },
  use_karras_sigmas: { type: 'boolean', nullable: true, doc: 'Space σ as Karras et al. 2022 (ρ = 7), A1111 "Karras".' },
  use_exponential_sigmas: { type: 'boolean', nullable: true, doc: 'Space σ log-linearly ("exponential").' },
  use_beta_sigmas: {
    type: 'boolean',
    nullable: true,
    doc: 'Space σ by the Beta(0.6, 0.6) quantile (Lee et al. 2024).',
  },
  sigma_min: {
    type: 'number',
    nullable: true,
    minimum: 1e-6,
    maximum: 1e5,
    doc: 'Smallest σ of the Karras/exponential/beta schedule; null: the training minimum.',
  },
  sigma_max: {
    type: 'number',
    nullable: true,
    minimum: 1e-6,
    maximum: 1e5,
    doc: 'Largest σ of the Karras/exponential/beta schedule; null: the training maximum.',
  },
  timestep_type: {
    type: 'string',
    enum: ['discrete', 'continuous'],
    doc: 'Pass the model integer-like timesteps or 0.25·ln σ (continuous, v-prediction only).',
  },
  final_sigmas_type: {
    type: 'string',
    enum: ['zero', 'sigma_min'],
    doc: 'The σ after the last step: 0 or the training minimum.',
  },
  solver_order: {
    type: 'integer',
    minimum: 1,
    maximum: 3,
    doc: 'Order of the multistep solver (2 for guided sampling, 3 unguided); DPM-Solver and DEIS stop at 3.',
  },
  algorithm_type: { type: 'string', doc: 'Solver family.' },
  solver_type: { type: 'string', doc: 'Second-order update rule.' },
  lower_order_final: { type: 'boolean', doc: 'Use lower-order steps at the end; stabilises runs under 15 steps.' },
  euler_at_final: { type: 'boolean', doc: 'Take a first-order (Euler) final step.' },
  use_lu_lambdas: {
    type: 'boolean',
    nullable: true,
    doc: 'Space steps uniformly in log-SNR (Lu et al., DPM-Solver++).',
  },
  use_flow_sigmas: { type: 'boolean', nullable: true, doc: 'Flow-matching σ schedule.' },
  flow_shift: {
    type: 'number',
    nullable: true,
    exclusiveMinimum: 0,
    maximum: 1e3,
    doc: 'Shift of the flow-matching σ schedule.',
  },
  lambda_min_clipped: {
    type: 'number',
    minimum: -Infinity,
    maximum: 50,
    doc: 'Clip log-SNR λ from below (for cosine schedules); -Infinity: no clipping.',
  },
  use_dynamic_shifting: { type: 'boolean', doc: 'Resolution-dependent shift of flow-matching schedules.' },
  time_shift_type: { type: 'string', enum: ['exponential', 'linear'], doc: 'Form of the dynamic shift.' },
  predict_x0: { type: 'boolean', doc: 'UniPC: update in data (x0) prediction form.' },
  disable_corrector: {
    type: 'integer[]',
    doc: 'Steps at which UniPC skips its corrector (helps with large guidance).',
  },
  solver_p: {
    type: 'string',
    nullable: true,
    doc: 'UniPC: another scheduler used as predictor; not readable from a config file.',
  },
  original_inference_steps: {
    type: 'integer',
    minimum: 1,
    maximum: 10000,
    doc: 'LCM: steps of the distillation schedule the inference timesteps are taken from.',
  },
  timestep_scaling: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1e6,
    doc: 'LCM: factor on t in the boundary-condition scalings c_skip, c_out.',
  },
  sigma_data: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1e3,
    doc: 'EDM: standard deviation of the training data, in c_in, c_skip and c_out (0.5 in the paper).',
  },
  sigma_schedule: {
    type: 'string',
    enum: ['karras', 'exponential'],
    doc: 'EDM: σ spacing from sigma_max to sigma_min, Karras et al. (ρ) or log-linear.',
  },
  rho: {
    type: 'number',
    minimum: 1,
    maximum: 100,
    doc: 'EDM: ρ of the Karras σ schedule (7 in the paper); larger puts more steps at low σ.',
  },
} as const satisfies Record<string, Spec>;

export type ConfigKey = keyof typeof KEY_SPECS;
