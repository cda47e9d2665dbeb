// UniPC, a unified predictor-corrector (Zhao et al. 2023, https://arxiv.org/abs/2302.04867), as
// diffusers' UniPCMultistepScheduler: each step first corrects the sample it is given with the model
// output just computed (UniC), then predicts the next one (UniP). A1111 calls it "UniPC".
import type { FloatArray, Tensor } from '../tensor/tensor';
import { combineInto, moved, zerosFor } from './multistepCommon';
import { multistepSchedule } from './multistepSchedule';
import { ownChoice, type MultistepConfig } from './multistepConfig';
import { MultistepScheduler } from './multistepScheduler';
import type { PredictorCorrectorStep, SetTimestepsOptions, StepOutput } from './scheduler';
import { uniPcWeights, type UniPcSolverType } from './uniPcMultistepWeights';
import { refuseCustomSchedule } from './setTimestepsChecks';

export interface UniPcConfig extends MultistepConfig {
  readonly solver_type: UniPcSolverType;
  /** Extrapolate x̂0 (UniPC's data-prediction form) rather than ε̂. */
  readonly predict_x0: boolean;
  /** Step indices whose corrector is skipped (it runs at the start of the following step). */
  readonly disable_corrector: readonly number[];
}

export class UniPCMultistepScheduler extends MultistepScheduler<UniPcConfig> {
  readonly className = 'UniPCMultistepScheduler';
  /** Weights of the sample, up to solver_order past outputs and the corrector's new output. */
  private readonly w: Float64Array;
  /** The sample the previous step started from (after its correction), which UniC corrects from. */
  private last: FloatArray | undefined;
  private corrected: FloatArray | undefined;
  private lastOrder = 0;

  constructor(config: UniPcConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    // One more output than the order: the corrector reads the previous ones after the new one is in.
    super(
      ownChoice(config, 'solver_type', ['bh1', 'bh2'], ['midpoint', 'heun', 'logrho'], 'bh2'),
      alphasCumprod,
      config.solver_order + 1,
    );
    this.w = new Float64Array(config.solver_order + 2);
    if (!Array.isArray(config.disable_corrector))
      throw new RangeError('disable_corrector must be a list of step indices');
    // ε̂ cannot be extrapolated to σ = 0 (e^h − 1 is infinite there); diffusers returns NaN.
    if (!config.predict_x0 && config.final_sigmas_type === 'zero')
      throw new RangeError("predict_x0 false needs final_sigmas_type 'sigma_min'");
    // Above order 1 the last step to σ = 0 divides by r_k = 0; diffusers returns −∞ or raises.
    if (!config.lower_order_final && config.solver_order > 1 && config.final_sigmas_type === 'zero') {
      throw new RangeError("lower_order_final false with solver_order above 1 needs final_sigmas_type 'sigma_min'");
    }
  }

  protected schedule(n: number, options?: SetTimestepsOptions): { timesteps: Float64Array; sigmas: Float64Array } {
    refuseCustomSchedule(this.className, options, false);
    return multistepSchedule(this.className, this.config, this.alphasCumprod, n, { noRoundForCosine: false });
  }

  protected override restart(): void {
    this.lastOrder = 0;
  }

  protected solve(i: number, m: FloatArray, x: FloatArray, out: StepOutput, shape: readonly number[]): void {
    const c = this.config;
    const history = this.history!;
    this.fitBuffers(x);
    const x0 = out.predOriginalSample.data;
    const converted = history.push();
    this.toData(x0, m, x, i, shape, c.predict_x0);
    if (c.predict_x0) converted.set(x0);
    else this.toNoise(converted, m, x, i);

    const w = this.w;
    const order = this.lastOrder;
    if (this.corrects(i)) {
      // UniC: redo the previous step from `last` with the output at i as one more node; the
      // corrected sample becomes the next `last` (the buffers swap instead of copying).
      this.weights(i, order, true);
      const corrected = this.corrected!;
      const past = Array.from({ length: order }, (_, k) => [w[k + 1], history.get(k + 1)] as const);
      combineInto(corrected, w[0], this.last!, [...past, [w[order + 1], history.get(0)]]);
      [this.last, this.corrected] = [corrected, this.last];
    } else {
      this.last!.set(x);
    }
    const start = this.last!;

    const next = this.predictorOrder(i);
    this.lastOrder = next;
    this.weights(i, next, false);
    const terms = Array.from({ length: next }, (_, k) => [w[k + 1], history.get(k)] as const);
    combineInto(out.prevSample.data, w[0], start, terms);
  }

  /** The data-prediction step up to order 2 on float32 samples, epsilon or v_prediction without thresholding,
   * as solve() sums it; undefined (nothing advanced) otherwise or where a weight is 0 (combineInto drops
   * that term): step() takes those. */
  elementwiseStep(t: number, sample: Tensor): PredictorCorrectorStep | undefined {
    const x = sample.data;
    if (!this.config.predict_x0 || !(x instanceof Float32Array)) return undefined;
    const i = this.enter(t, x);
    const data = this.dataCoefficients(i);
    const history = this.history!;
    const w = this.w;
    const prevOrder = this.lastOrder;
    const corrects = this.corrects(i);
    if (!data || (corrects && prevOrder > 2)) return undefined;
    const a = corrects ? (this.weights(i, prevOrder, true), Array.from(w.subarray(0, prevOrder + 2))) : [];
    // This step's output is not in the history until the step is taken.
    const order = this.predictorOrder(i, history.count + 1);
    this.weights(i, order, false);
    if (order > 2 || a.slice(1).includes(0) || w.subarray(1, order + 1).includes(0)) return undefined;

    this.fitBuffers(x);
    const newest = history.push() as Float32Array;
    const none = zerosFor(x.length);
    const h1 = history.count > 1 ? (history.get(1) as Float32Array) : none;
    const step: PredictorCorrectorStep = {
      kind: 'unipc',
      ...data,
      newest,
      h1,
      corrector: corrects
        ? this.correction(a, prevOrder, history.count > 2 ? (history.get(2) as Float32Array) : none)
        : undefined,
      b0: w[0],
      b1: w[1],
      b2: order > 1 ? w[2] : 0,
    };
    if (!corrects) this.last!.set(x);
    this.lastOrder = order;
    this.stepped(i);
    return step;
  }

  /** The corrector of an elementwise step from its weights `a` (of that order): it reads `last` and writes
   * the other buffer, which becomes `last` (as solve() swaps them). */
  private correction(a: number[], order: number, h2: Float32Array): PredictorCorrectorStep['corrector'] {
    const [from, into] = [this.last as Float32Array, this.corrected as Float32Array];
    [this.last, this.corrected] = [into, from];
    return { last: from, into, k0: a[0], a1: a[1], a2: order > 1 ? a[2] : 0, h2, a3: a[order + 1] };
  }

  /** Whether step i corrects the previous step's result first (not the first step, nor one after a step in
   * disable_corrector). */
  private corrects(i: number): boolean {
    return i > 0 && this.lastOrder > 0 && !this.config.disable_corrector.includes(i - 1);
  }

  /** The predictor's order at step i: lower at the end with lower_order_final; `seen` outputs, this one's included. */
  private predictorOrder(i: number, seen?: number): number {
    const c = this.config;
    return this.orderAt(c.lower_order_final ? this.timesteps.length - i : c.solver_order, seen);
  }

  /** this.w for the corrector of the step ending at i (from i − 1) or the predictor from i to i + 1. */
  private weights(i: number, order: number, corrector: boolean): void {
    const { solver_type: bh, predict_x0: predictX0 } = this.config;
    const [s0, t] = corrector ? [i - 1, i] : [i, i + 1];
    uniPcWeights(this.w, { bh, predictX0, order, s0, t, corrector }, this.vp);
  }

  /** The corrector's two sample buffers, of the sample's kind and length. */
  private fitBuffers(x: FloatArray): void {
    if (this.last?.length === x.length && this.last.constructor === x.constructor) return;
    this.last = this.place(x);
    this.corrected = this.place(x);
  }

  protected override moveArrays(): void {
    if (this.last) this.last = moved(this.last, this.place);
    if (this.corrected) this.corrected = moved(this.corrected, this.place);
  }
}
