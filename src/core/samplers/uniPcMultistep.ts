// UniPC, a unified predictor-corrector (Zhao et al. 2023, https://arxiv.org/abs/2302.04867), as
// diffusers' UniPCMultistepScheduler: each step first corrects the sample it is given with the model
// output just computed (UniC), then predicts the next one (UniP). A1111 calls it "UniPC".
import { zerosOf, type FloatArray } from '../tensor/tensor';
import { combineInto } from './multistepCommon';
import { multistepSchedule } from './multistepSchedule';
import { ownChoice, type MultistepConfig } from './multistepConfig';
import { MultistepScheduler } from './multistepScheduler';
import type { SetTimestepsOptions, StepOutput } from './scheduler';
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
    if (this.last?.length !== x.length || this.last.constructor !== x.constructor) {
      this.last = zerosOf(x);
      this.corrected = zerosOf(x);
    }
    const x0 = out.predOriginalSample.data;
    const converted = history.push();
    this.toData(x0, m, x, i, shape, c.predict_x0);
    if (c.predict_x0) converted.set(x0);
    else this.toNoise(converted, m, x, i);

    const w = this.w;
    const bh = c.solver_type;
    if (i > 0 && this.lastOrder > 0 && !c.disable_corrector.includes(i - 1)) {
      // UniC: redo the previous step from `last` with the output at i as one more node; the
      // corrected sample becomes the next `last` (the buffers swap instead of copying).
      const order = this.lastOrder;
      uniPcWeights(w, { bh, predictX0: c.predict_x0, order, s0: i - 1, t: i, corrector: true }, this.vp);
      const corrected = this.corrected!;
      const past = Array.from({ length: order }, (_, k) => [w[k + 1], history.get(k + 1)] as const);
      combineInto(corrected, w[0], this.last, [...past, [w[order + 1], history.get(0)]]);
      [this.last, this.corrected] = [corrected, this.last];
    } else {
      this.last.set(x);
    }
    const start = this.last;

    const finalOrder = c.lower_order_final ? this.timesteps.length - i : c.solver_order;
    const order = this.orderAt(finalOrder);
    this.lastOrder = order;
    uniPcWeights(w, { bh, predictX0: c.predict_x0, order, s0: i, t: i + 1, corrector: false }, this.vp);
    const prev = out.prevSample.data;
    combineInto(
      prev,
      w[0],
      start,
      Array.from({ length: order }, (_, k) => [w[k + 1], history.get(k)] as const),
    );
  }
}
