// The base of the multistep solvers (DPM-Solver(++), UniPC, DEIS) and of singlestep DPM-Solver: a σ schedule
// with its VP table, unscaled model input, a step counter and the history of converted outputs they
// extrapolate from.
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';
import { OutputHistory, ownArrays, vpTable, type VpTable } from './multistepCommon';
import { unsupportedOption, type SolverConfig } from './multistepConfig';
import type { ArrayPlace, Scheduler, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { clipPrediction, indexForTimestep, stepOutputs } from './stepMath';
import { blend, checkNoiseArgs, dtypeRounding, fixedNoisingIndex, type BlendCoefficients } from './noising';
import { checkBeginIndex } from './setTimestepsChecks';

export abstract class MultistepScheduler<C extends SolverConfig> implements Scheduler {
  abstract readonly className: string;
  readonly initNoiseSigma: number = 1;
  readonly order = 1;
  timesteps: Float64Array = new Float64Array(0);
  sigmas: Float64Array = new Float64Array(0);
  protected vp: VpTable = vpTable(this.sigmas);
  protected history: OutputHistory | undefined;
  /** Where the per-run arrays are kept (keepArraysIn). */
  protected place: ArrayPlace = ownArrays;
  /** Index of the next step; undefined until the first step after setTimesteps. */
  private next: number | undefined;
  /** diffusers' `begin_index`: where a run that starts mid-schedule (image-to-image) begins. */
  private beginIndex: number | undefined;

  constructor(
    readonly config: C & Readonly<Record<string, unknown>>,
    /** ᾱ with the zero-SNR floor of 2⁻²⁴ already applied where the class has one (the registry does). */
    readonly alphasCumprod: Float64Array,
    /** How many converted outputs the solver keeps. */
    private readonly historyLength: number,
  ) {
    const unsupported = unsupportedOption(config);
    if (unsupported) throw new RangeError(unsupported);
  }

  /** The schedule's timesteps and σ (one more σ than timesteps: where the last step lands). */
  protected abstract schedule(
    n: number,
    options?: SetTimestepsOptions,
  ): { timesteps: Float64Array; sigmas: Float64Array };

  /** One solver step at schedule index i into `out`; `history.get(0)` is not yet written. */
  protected abstract solve(
    i: number,
    m: FloatArray,
    x: FloatArray,
    out: StepOutput,
    shape: readonly number[],
    noise?: NoiseSource,
  ): void;

  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    const { timesteps, sigmas } = this.schedule(numInferenceSteps, options);
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.vp = vpTable(sigmas);
    this.next = undefined;
    this.beginIndex = undefined;
  }

  /** Keeps the per-run arrays (the output history, UniPC's samples) in arrays `place` gives, their values
   * moved over: the engine's kernel memory, where its fused steps read and write them in place
   * (stepBuffers.ts). Undefined moves them back into arrays of their own, before that memory goes to
   * another run. */
  keepArraysIn(place: ArrayPlace | undefined): void {
    this.place = place ?? ownArrays;
    this.history?.moveTo(this.place);
    this.moveArrays();
  }

  /** Moves a solver's own per-run arrays to `this.place` (UniPC's samples). */
  protected moveArrays(): void {}

  /** diffusers' set_begin_index: the first step() takes this index; cleared by setTimesteps. */
  setBeginIndex(beginIndex: number): void {
    this.beginIndex = checkBeginIndex(this.className, beginIndex, this.timesteps.length);
  }

  /** diffusers' add_noise: α_t·x0 + σ_t·ε with α_t = 1/√(σ²+1), σ_t = σ·α_t, σ of the step the run is at
   * (after a step), else of the begin index, else of where each t sits (the last step if nowhere). */
  addNoise(original: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    checkNoiseArgs(`${this.className}.addNoise`, original, noise, timesteps);
    const at = fixedNoisingIndex(this.next, this.beginIndex);
    const f = dtypeRounding(original);
    const sigma = timesteps.map((t) => f(this.sigmas[at ?? this.scheduleIndex(t)]));
    return blend(original, noise, this.noisingCoefficients(sigma, f));
  }

  /** α_t = 1/√(σ²+1) and σ_t = σ·α_t per σ (the VP form of the σ), in the sample's rounding. */
  protected noisingCoefficients(sigma: number[], f: (v: number) => number): BlendCoefficients {
    const alpha = sigma.map((s) => f(1 / f(Math.sqrt(f(f(s * s) + 1)))));
    return { a: alpha, b: sigma.map((s, k) => f(s * alpha[k])) };
  }

  /** The sample itself: these solvers take the model input unscaled (the EDM one overrides this). */
  scaleModelInput(sample: Tensor, _t?: number, _out?: FloatArray): Tensor {
    return sample;
  }

  modelInputScale(_t: number): number {
    return 1;
  }

  drawsStepNoise(_eta?: number): boolean {
    return false;
  }

  sigmaAt(t: number): number {
    return this.sigmas[indexForTimestep(this.className, this.timesteps, t)];
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.enter(t, sample.data);
    this.solve(i, modelOutput.data, sample.data, out, sample.shape, noise);
    this.stepped(i);
    return out;
  }

  /** The schedule index of a step at t: the next one, or where a run starts (which clears the history).
   * Nothing else changes, so a caller may enter twice before it steps. */
  protected enter(t: number, x: FloatArray): number {
    const i = this.next;
    if (i === undefined || i >= this.timesteps.length) {
      // A run starts (or restarts once the last one is done) where t sits in the schedule.
      const begin = i === undefined ? this.beginIndex : undefined;
      const start = begin ?? indexForTimestep(this.className, this.timesteps, t);
      if (!this.history?.fits(x)) this.history = new OutputHistory(this.historyLength, x, this.place);
      this.history.reset();
      this.restart();
      return start;
    }
    if (this.timesteps[i] !== t) {
      throw new RangeError(
        `${this.className}.step: expected timestep ${this.timesteps[i]} (step ${i + 1} of ${this.timesteps.length}) but got ${t}; call setTimesteps to start over`,
      );
    }
    if (this.history?.size !== x.length) {
      throw new RangeError(
        `${this.className}.step: sample has ${x.length} values but this run started with ${this.history?.size}`,
      );
    }
    return i;
  }

  /** step() is done at schedule index i: the next call takes i + 1. */
  protected stepped(i: number): void {
    this.next = i + 1;
  }

  /** diffusers' index_for_timestep of the multistep solvers: the second of two matches, the last
   * step where t is not scheduled. */
  private scheduleIndex(t: number): number {
    const n = this.timesteps.length;
    return this.timesteps.includes(t) ? indexForTimestep(this.className, this.timesteps, t) : n - 1;
  }

  /** Clears per-run state beyond the output history (UniPC's last sample). */
  protected restart(): void {}

  /** Solver order at step i: the configured one, limited by the outputs seen so far and, near the
   * end, by `finalOrder` (what lower_order_final allows there); `seen` counts this step's output. */
  protected orderAt(finalOrder: number, seen = this.history!.count): number {
    return Math.min(this.config.solver_order, seen, finalOrder);
  }

  /** x̂0 of the model output m at schedule index i, thresholded when the config asks and `threshold`.
   * Uses α_t, σ_t of the float32 σ (not √ᾱ) in diffusers' order: at σ_max ≈ 2·10⁴ (squaredcos_cap_v2)
   * x̂0 amplifies last-bit differences 10⁴-fold. */
  protected toData(
    out: FloatArray,
    m: FloatArray,
    x: FloatArray,
    i: number,
    shape: readonly number[],
    threshold = true,
  ): void {
    const a = this.vp.alpha[i];
    const s = this.vp.sigma[i];
    const p = this.config.prediction_type;
    if (p === 'epsilon') for (let k = 0; k < out.length; k++) out[k] = (x[k] - s * m[k]) / a;
    else if (p === 'v_prediction') for (let k = 0; k < out.length; k++) out[k] = a * x[k] - s * m[k];
    else out.set(m);
    if (threshold && this.config.thresholding) clipPrediction({ data: out, shape }, this.config);
  }

  /** toData's x̂0 as (p·x + q·m)/v, in its order of operations, where it is of that form (epsilon and
   * v_prediction, no thresholding): what an elementwise step (scheduler.ts, MultistepStep) applies. */
  protected dataCoefficients(i: number): { p: number; q: number; v: number } | undefined {
    const a = this.vp.alpha[i];
    const s = this.vp.sigma[i];
    if (this.config.thresholding) return undefined;
    if (this.config.prediction_type === 'epsilon') return { p: 1, q: -s, v: a };
    if (this.config.prediction_type === 'v_prediction') return { p: a, q: -s, v: 1 };
    return undefined;
  }

  /** ε̂ of the model output m at schedule index i. */
  protected toNoise(out: FloatArray, m: FloatArray, x: FloatArray, i: number): void {
    const a = this.vp.alpha[i];
    const s = this.vp.sigma[i];
    const p = this.config.prediction_type;
    if (p === 'epsilon') out.set(m);
    else if (p === 'v_prediction') for (let k = 0; k < out.length; k++) out[k] = a * m[k] + s * x[k];
    else for (let k = 0; k < out.length; k++) out[k] = (x[k] - a * m[k]) / s;
  }

  /** ε̂ = (x − α·x̂0)/σ at schedule index i. */
  protected noiseFromData(out: FloatArray, x0: FloatArray, x: FloatArray, i: number): void {
    const a = this.vp.alpha[i];
    const s = this.vp.sigma[i];
    for (let k = 0; k < out.length; k++) out[k] = (x[k] - a * x0[k]) / s;
  }
}
