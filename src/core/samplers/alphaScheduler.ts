// The base the DDPM family (DDIM, DDPM, PNDM, LCM) shares: integer timesteps indexing ᾱ, unscaled
// model input, noise at σ = 1.
import type { Tensor } from '../tensor/tensor';
import type { NoiseSource } from '../rng/noiseSource';
import type { Scheduler, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { spacedTimesteps, type TimestepSpacing } from '../schedules/timestepSpacing';
import { checkStepCount } from './setTimestepsChecks';
import { alphaCoefficients, blend, checkNoiseArgs, dtypeRounding, velocity, type BlendCoefficients } from './noising';
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

  modelInputScale(): number {
    return 1;
  }

  drawsStepNoise(_eta?: number): boolean {
    return false;
  }

  /** diffusers' add_noise: √ᾱ_t·x0 + √(1−ᾱ_t)·ε at training timesteps, whatever the schedule visits. */
  addNoise(original: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    checkNoiseArgs(`${this.className}.addNoise`, original, noise, timesteps);
    return blend(original, noise, this.forwardCoefficients('addNoise', original, timesteps));
  }

  sigmaAt(t: number): number {
    const a = this.alphaAt(this.timesteps[this.indexOf(t)]);
    return Math.sqrt((1 - a) / a);
  }

  /** ᾱ at a training timestep, or the final value for t < 0 (the step past the last). */
  protected alphaAt(t: number): number {
    return t >= 0 ? this.alphasCumprod[t] : this.finalAlphaCumprod;
  }

  /** diffusers' get_velocity, the v-prediction target √ᾱ_t·ε − √(1−ᾱ_t)·x0; public as getVelocity in
   * the classes whose diffusers counterpart has it. */
  protected velocityAt(sample: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    checkNoiseArgs(`${this.className}.getVelocity`, sample, noise, timesteps);
    return velocity(sample, noise, this.forwardCoefficients('getVelocity', sample, timesteps));
  }

  /** √ᾱ_t and √(1−ᾱ_t) per timestep, in the sample's dtype; t must index the training schedule. */
  private forwardCoefficients(method: string, x: Tensor, timesteps: readonly number[]): BlendCoefficients {
    const T = this.alphasCumprod.length;
    const abar = timesteps.map((t) => {
      if (!Number.isInteger(t) || t < 0 || t >= T) {
        const what = `${this.className}.${method}: timestep ${t}`;
        throw new RangeError(`${what} is not an integer training timestep in 0..${T - 1}`);
      }
      return this.alphasCumprod[t];
    });
    return alphaCoefficients(abar, dtypeRounding(x));
  }

  /** Index of t in the schedule; throws naming t when the schedule does not visit it. */
  protected indexOf(t: number): number {
    return indexForTimestep(this.className, this.timesteps, t);
  }

  /** The config's spacing rule applied to n steps, as integers. */
  protected spaced(n: number): Float64Array {
    checkStepCount(this.className, n, this.config.num_train_timesteps);
    const c = this.config;
    return spacedTimesteps({
      spacing: c.timestep_spacing,
      numInferenceSteps: n,
      numTrainTimesteps: c.num_train_timesteps,
      stepsOffset: c.steps_offset,
    });
  }
}
