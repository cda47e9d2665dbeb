// The base of the k-diffusion-style discrete samplers: a σ schedule, model input scaled by
// 1/√(σ²+1), and a step index that follows the schedule as diffusers' `_step_index` does.
import type { NoiseSource } from '../rng/noiseSource';
import { zerosLike, type FloatArray, type Tensor } from '../tensor/tensor';
import type { Scheduler, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { sigmaSchedule, type SigmaSchedule, type SigmaScheduleConfig } from './sigmaSchedule';
import { checkBeginIndex, refuseCustomSchedule } from './setTimestepsChecks';
import { blend, checkNoiseArgs, dtypeRounding, fixedNoisingIndex } from './noising';
import { indexForTimestep, type ClipConfig, type PredictionType } from './stepMath';

export interface SigmaConfig extends SigmaScheduleConfig, ClipConfig {
  readonly prediction_type: PredictionType;
}

export abstract class SigmaScheduler<C extends SigmaConfig = SigmaConfig> implements Scheduler {
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

  abstract step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput;

  get initNoiseSigma(): number {
    const max = this.sigmas.reduce((m, s) => Math.max(m, s), 0);
    return this.config.timestep_spacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    const s = this.expand(
      sigmaSchedule(this.className, this.config, this.alphasCumprod, numInferenceSteps, this.scheduleOptions(options)),
    );
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
    const sigma = this.inputSigma(this.follow(t));
    const c = 1 / Math.sqrt(sigma * sigma + 1);
    const x = sample.data;
    if (out && out.length !== x.length) {
      throw new RangeError(`${this.className}.scaleModelInput: out has ${out.length} values, not ${x.length}`);
    }
    const data = out ?? zerosLike(sample).data;
    for (let k = 0; k < x.length; k++) data[k] = x[k] * c;
    return { data, shape: sample.shape };
  }

  sigmaAt(t: number): number {
    return this.inputSigma(this.indexOf(t));
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
