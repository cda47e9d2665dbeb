// The base the DDPM family (DDIM, DDPM, PNDM, LCM) shares: integer timesteps indexing ᾱ, unscaled
// model input, noise at σ = 1.
import type { Tensor } from '../tensor/tensor';
import type { NoiseSource } from '../rng/noiseSource';
import type { Scheduler, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { spacedTimesteps, type TimestepSpacing } from '../schedules/timestepSpacing';
import { checkStepCount } from './setTimestepsChecks';
import { indexForTimestep, type ClipConfig, type PredictionType } from './stepMath';

export interface AlphaConfig extends ClipConfig {
  readonly num_train_timesteps: number;
  readonly prediction_type: PredictionType;
  readonly timestep_spacing: TimestepSpacing;
  readonly steps_offset: number;
  readonly set_alpha_to_one?: boolean;
}

export abstract class AlphaScheduler<C extends AlphaConfig = AlphaConfig> implements Scheduler {
  abstract readonly className: string;
  readonly sigmas = undefined;
  readonly initNoiseSigma = 1;
  readonly order = 1;
  timesteps: Float64Array = new Float64Array(0);
  /** ᾱ used after the last training timestep: 1 with set_alpha_to_one, else ᾱ_0. */
  protected readonly finalAlphaCumprod: number;

  constructor(
    readonly config: C & Readonly<Record<string, unknown>>,
    readonly alphasCumprod: Float64Array,
  ) {
    this.finalAlphaCumprod = config.set_alpha_to_one ? 1 : alphasCumprod[0];
  }

  abstract setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void;
  abstract step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput;

  scaleModelInput(sample: Tensor): Tensor {
    return sample;
  }

  sigmaAt(t: number): number {
    const a = this.alphaAt(this.timesteps[this.indexOf(t)]);
    return Math.sqrt((1 - a) / a);
  }

  /** ᾱ at a training timestep, or the final value for t < 0 (the step past the last). */
  protected alphaAt(t: number): number {
    return t >= 0 ? this.alphasCumprod[t] : this.finalAlphaCumprod;
  }

  /** Index of t in the schedule; throws naming t when the schedule does not visit it. */
  protected indexOf(t: number): number {
    return indexForTimestep(this.className, this.timesteps, t);
  }

  /** The config's spacing rule applied to n steps, as integers. */
  protected spaced(n: number): Float64Array {
    checkStepCount(this.className, n, this.config.num_train_timesteps);
    const c = this.config;
    return spacedTimesteps({ spacing: c.timestep_spacing, numInferenceSteps: n, numTrainTimesteps: c.num_train_timesteps, stepsOffset: c.steps_offset });
  }
}
