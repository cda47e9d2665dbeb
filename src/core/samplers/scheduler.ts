import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';

/** What one reverse step returns: x_{t-1} and the model's estimate of x0 (shown by the step viewer). */
export interface StepOutput {
  readonly prevSample: Tensor;
  readonly predOriginalSample: Tensor;
}

/** The diffusers scheduler contract, over plain typed arrays. One implementation per `_class_name`. */
export interface Scheduler {
  /** diffusers' `_class_name`, e.g. 'DDIMScheduler'. */
  readonly className: string;
  /** The effective config: every key of this class, defaults filled in. */
  readonly config: Readonly<Record<string, unknown>>;
  /** ᾱ over the training timesteps. */
  readonly alphasCumprod: Float64Array;
  /** Timesteps visited by the current schedule (after setTimesteps). */
  readonly timesteps: Float64Array;
  /** σ per visited step plus the final one, for samplers that work in σ (k-diffusion style). */
  readonly sigmas: Float64Array | undefined;
  readonly initNoiseSigma: number;
  setTimesteps(numInferenceSteps: number): void;
  scaleModelInput(sample: Tensor, t: number): Tensor;
  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource): StepOutput;
}
