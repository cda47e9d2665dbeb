import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';

/** Gives a zeroed array of the kind and length of `like`: where a solver keeps its per-run arrays
 * (Scheduler.keepArraysIn). */
export type ArrayPlace = (like: FloatArray) => FloatArray;

/** What one reverse step returns: x_{t-1} and the model's estimate of x0 (shown by the step viewer). */
export interface StepOutput {
  readonly prevSample: Tensor;
  readonly predOriginalSample: Tensor;
}

/** diffusers' `set_timesteps(num_inference_steps, timesteps=, sigmas=)`: an explicit schedule instead
 * of the spacing rule. Only the classes whose diffusers counterpart accepts them take them. */
export interface SetTimestepsOptions {
  readonly timesteps?: readonly number[];
  readonly sigmas?: readonly number[];
}

/** Keyword arguments diffusers takes per `step()` call rather than in the config. */
export interface StepOptions {
  /** DDIM's η: 0 is deterministic DDIM, 1 is DDPM-like ancestral noise. */
  readonly eta?: number;
  /** Euler's churn (Karras et al. 2022, Alg. 2): S_churn > 0 adds noise before the step for σ in
   * [S_tmin, S_tmax], scaled by S_noise. diffusers' s_churn, s_tmin, s_tmax, s_noise. */
  readonly sChurn?: number;
  readonly sTmin?: number;
  readonly sTmax?: number;
  readonly sNoise?: number;
  /** Not diffusers': buffers of the sample's shape and type that step() writes its results into and
   * returns, instead of allocating two arrays per step. They must not share memory with the sample or
   * the model output; the scheduler keeps no reference to them. */
  readonly out?: StepOutput;
}

/** A step that is elementwise in the sample x and the model output m, as coefficients of step()'s own
 * arithmetic, in its order of operations. A caller that makes m in a pass of its own (the engine's
 * classifier-free guidance) can take the step in the same pass: the engine's does, in float32 arithmetic
 * as PyTorch's float32 tensors compute, where step() computes in float64 and rounds where it stores. */
export type ElementwiseStep = AffineStep | MultistepStep | EulerStep | PredictorCorrectorStep;

/** Affine in x and m (deterministic DDIM): x̂0 = p·x + q·m, stored in the sample's dtype, then
 * x_prev = a·x̂0 + d·(r·x + s·m). */
export interface AffineStep {
  readonly kind: 'affine';
  readonly p: number;
  readonly q: number;
  readonly a: number;
  readonly d: number;
  readonly r: number;
  readonly s: number;
}

/** A multistep solver's update (DPM-Solver++): x̂0 = (p·x + q·m)/v, stored in the sample's dtype both as
 * the step's x̂0 and into `newest`, the solver's history; then x_prev = k0·x + c1·x̂0 + c2·h1 (+ c3·h2
 * where h2 is given), the first product and each partial sum rounded to float32, left to right. */
export interface MultistepStep {
  readonly kind: 'multistep';
  readonly p: number;
  readonly q: number;
  readonly v: number;
  readonly newest: Float32Array;
  readonly k0: number;
  readonly c1: number;
  readonly c2: number;
  readonly h1: Float32Array;
  readonly c3: number;
  readonly h2?: Float32Array;
}

/** UniPC's data-prediction update up to order 2: x̂0 = (p·x + q·m)/v, stored in the sample's dtype both as
 * the step's x̂0 and into `newest`; where the corrector runs, c = k0·last + a1·h1 + a2·h2 + a3·x̂0 goes
 * into `into` and the predictor starts from c, else from x; x_prev = b0·start + b1·x̂0 + b2·h1. Each first
 * product and partial sum rounded to float32, left to right (a weight of 0 pairs with zeros). */
export interface PredictorCorrectorStep {
  readonly kind: 'unipc';
  readonly p: number;
  readonly q: number;
  readonly v: number;
  readonly newest: Float32Array;
  readonly h1: Float32Array;
  readonly corrector?: {
    readonly last: Float32Array;
    readonly into: Float32Array;
    readonly k0: number;
    readonly a1: number;
    readonly a2: number;
    readonly h2: Float32Array;
    readonly a3: number;
  };
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
}

/** An Euler step on σ (Euler, Euler ancestral): x̂0 = p·x + q·m, stored in the sample's dtype, then
 * x_prev = x + ((x − x̂0)/σ)·dt, plus z·up where the step adds noise z (valid until the next draw). */
export interface EulerStep {
  readonly kind: 'euler';
  readonly p: number;
  readonly q: number;
  readonly sigma: number;
  readonly dt: number;
  readonly z?: Float32Array;
  readonly up: number;
}

/** The diffusers scheduler contract, over plain typed arrays. One implementation per `_class_name`. */
export interface Scheduler {
  /** diffusers' `_class_name`, e.g. 'DDIMScheduler'. */
  readonly className: string;
  /** The effective config: every key of this class, defaults filled in. */
  readonly config: Readonly<Record<string, unknown>>;
  /** ᾱ over the training timesteps. */
  readonly alphasCumprod: Float64Array;
  /** Timesteps visited by the current schedule (after setTimesteps), one model call each. */
  readonly timesteps: Float64Array;
  /** σ per visited step plus the final one, for samplers that work in σ (k-diffusion style). */
  readonly sigmas: Float64Array | undefined;
  readonly initNoiseSigma: number;
  /** diffusers' `order`: model calls per solver step (Heun and KDPM2 take 2). */
  readonly order: number;
  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void;
  /** The model input at timestep t; written into `out` (which may be sample.data itself) when given,
   * where the class scales it at all. */
  scaleModelInput(sample: Tensor, t: number, out?: FloatArray): Tensor;
  /** The factor scaleModelInput multiplies the sample by at t (1 where it passes the sample through), with the
   * same effect on the scheduler's state: the engine applies it in its own pass (stepKernels.ts). */
  modelInputScale(t: number): number;
  /** Whether a run of step() with this eta (and no churn) draws noise of the sample's shape at its steps (the
   * last may be spared): the engine then has it drawn ahead while the UNet runs (noiseAhead.ts). */
  drawsStepNoise(eta?: number): boolean;
  /** Keeps the per-run arrays in arrays `place` gives, or back in arrays of their own (MultistepScheduler);
   * only the classes that keep any. */
  keepArraysIn?(place: ArrayPlace | undefined): void;
  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput;
  /** Where step(m, t, sample, noise, options) is an ElementwiseStep for float32 samples (no clipping or
   * thresholding of x̂0, noise only as EulerStep adds it), that step, the scheduler's state then advanced
   * as step() advances it (step index, output history, noise drawn): the caller must take the step, into
   * options.out, before the scheduler's next call. Undefined otherwise, with nothing advanced. Only the
   * classes whose step can be. */
  elementwiseStep?(t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): ElementwiseStep | undefined;
  /** σ = √((1−ᾱ)/ᾱ) of the sample the model sees at timestep t of the current schedule, for plots. */
  sigmaAt(t: number): number;
  /** diffusers' add_noise: the forward process q(x_t | x_0) at `timesteps` (one, or one per batch item),
   * √ᾱ·x0 + √(1−ᾱ)·ε for the ᾱ-indexed classes, x0 + σ·ε for the σ classes (σ by the step-index and
   * begin-index rules), α_t·x0 + σ_t·ε for the multistep solvers. In the sample's dtype. */
  addNoise(original: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor;
  /** diffusers' get_velocity, the v-prediction target, where the class has it (DDIM, DDPM, LCM, Euler). */
  getVelocity?(sample: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor;
  /** diffusers' set_begin_index, where the class has it: a run that starts at this schedule index
   * (image-to-image) steps and adds noise from there. Cleared by setTimesteps. */
  setBeginIndex?(beginIndex: number): void;
}
