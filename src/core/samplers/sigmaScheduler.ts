// The base of the k-diffusion-style discrete samplers: a σ schedule, model input scaled by
// 1/√(σ²+1), and a step index that follows the schedule as diffusers' `_step_index` does. The EDM
// classes share the stepping but build σ from their own range and scale the input by their own c_in.
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';
import type { Scheduler, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { sigmaSchedule, type SigmaSchedule, type SigmaScheduleConfig } from './sigmaSchedule';
import { checkBeginIndex, refuseCustomSchedule } from './setTimestepsChecks';
import { blend, checkNoiseArgs, dtypeRounding, fixedNoisingIndex } from './noising';
import { indexForTimestep, scaledInput, type ClipConfig, type PredictionType } from './stepMath';

export interface SigmaConfig extends SigmaScheduleConfig, ClipConfig {
  readonly prediction_type: PredictionType;
}

/** Stepping along a σ schedule: the step index, add_noise x0 + σ·ε, the scaled model input. Subclasses
 * say where the σ come from. */
export abstract class SigmaStepScheduler<C extends { readonly prediction_type: string }> implements Scheduler {
  abstract readonly className: string;
  readonly order: number = 1;
  timesteps: Float64Array = new Float64Array(0);
  sigmas: Float64Array = new Float64Array(0);
  /** Index into timesteps of the current model call; undefined until the first call. */
  protected index: number | undefined;
  /** diffusers' `begin_index`: where a run that starts mid-schedule (image-to-image) begins. */
  private beginIndex: number | undefined;

  constructor(
    readonly config: C & Readonly<Record<string, unknown>>,
    readonly alphasCumprod: Float64Array,
  ) {}

  abstract get initNoiseSigma(): number;

  abstract step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput;

  /** The visited timesteps and σ (one more σ: where the last step lands) for n steps. */
  protected abstract schedule(numInferenceSteps: number, options?: SetTimestepsOptions): SigmaSchedule;

  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    const s = this.schedule(numInferenceSteps, options);
    this.timesteps = s.timesteps;
    this.sigmas = s.sigmas;
    this.index = undefined;
    this.beginIndex = undefined;
    this.reset();
  }

  /** diffusers' set_begin_index: the first step() takes this index; cleared by setTimesteps. */
  setBeginIndex(beginIndex: number): void {
    this.beginIndex = checkBeginIndex(this.className, beginIndex, this.timesteps.length);
  }

  /** diffusers' add_noise: x0 + σ·ε, σ of the step the run is at (after a step), else of the begin
   * index, else of where each t sits in the schedule. */
  addNoise(original: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    checkNoiseArgs(`${this.className}.addNoise`, original, noise, timesteps);
    const at = fixedNoisingIndex(this.index, this.beginIndex);
    const f = dtypeRounding(original);
    const sigma = timesteps.map((t) => f(this.sigmas[at ?? this.indexOf(t)]));
    return blend(original, noise, { a: sigma.map(() => 1), b: sigma });
  }

  scaleModelInput(sample: Tensor, t: number, out?: FloatArray): Tensor {
    return scaledInput(this.className, sample, this.modelInputScale(t), out);
  }

  modelInputScale(t: number): number {
    return this.inputScale(this.inputSigma(this.follow(t)));
  }

  drawsStepNoise(_eta?: number): boolean {
    return false;
  }

  sigmaAt(t: number): number {
    return this.inputSigma(this.indexOf(t));
  }

  /** The factor scale_model_input applies at σ: 1/√(σ²+1), the input of a model trained on x_t/√(1+σ²). */
  protected inputScale(sigma: number): number {
    return 1 / Math.sqrt(sigma * sigma + 1);
  }

  /** Clears multi-call state (Heun's first half, LMS's derivative history) on a new schedule. */
  protected reset(): void {}

  /** σ of the sample the model sees at schedule index i. */
  protected inputSigma(i: number): number {
    return this.sigmas[i];
  }

  /** The schedule index for a call at t: the next one when t is where the schedule is, otherwise
   * the begin index or where t first occurs (second, if twice), as diffusers' _init_step_index. */
  protected follow(t: number): number {
    if (this.index === undefined) this.index = this.beginIndex ?? this.indexOf(t);
    else if (this.timesteps[this.index] !== t) this.index = this.indexOf(t);
    return this.index;
  }

  /** step() calls this after its update: the next call is at the next index. */
  protected advance(): void {
    this.index = (this.index ?? 0) + 1;
  }

  protected indexOf(t: number): number {
    return indexForTimestep(this.className, this.timesteps, t);
  }
}

/** The discrete samplers whose σ come from the training ᾱ (sigmaSchedule.ts). */
export abstract class SigmaScheduler<C extends SigmaConfig = SigmaConfig> extends SigmaStepScheduler<C> {
  get initNoiseSigma(): number {
    const max = this.sigmas.reduce((m, s) => Math.max(m, s), 0);
    return this.config.timestep_spacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  protected schedule(n: number, options?: SetTimestepsOptions): SigmaSchedule {
    return this.expand(
      sigmaSchedule(this.className, this.config, this.alphasCumprod, n, this.scheduleOptions(options)),
    );
  }

  /** Which custom schedules this class's set_timesteps takes (none unless a subclass says so). */
  protected scheduleOptions(options: SetTimestepsOptions | undefined): Parameters<typeof sigmaSchedule>[4] {
    refuseCustomSchedule(this.className, options, false);
    return {};
  }

  /** The visited schedule from the solver's σ schedule; two-call solvers (Heun, KDPM2) interleave. */
  protected expand(s: SigmaSchedule): SigmaSchedule {
    return s;
  }
}
