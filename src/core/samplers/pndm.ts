// PNDM / PLMS: Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on Manifolds",
// https://arxiv.org/abs/2202.09778 (Runge–Kutta warm-up, then 4th-order linear multistep).
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import { AlphaScheduler, type AlphaConfig } from './alphaScheduler';
import type { SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { refuseCustomSchedule } from './setTimestepsChecks';
import { stepOutputs } from './stepMath';

// Adams–Bashforth weights on the newest-first history, by history length (PLMS, eq. 12).
const PLMS = [[1], [3 / 2, -1 / 2], [23 / 12, -16 / 12, 5 / 12], [55 / 24, -59 / 24, 37 / 24, -9 / 24]];
const RK = [1 / 6, 1 / 3, 1 / 3, 1 / 6];
const HALF = [0.5];
const NONE: readonly number[] = [];

export class PNDMScheduler extends AlphaScheduler<AlphaConfig & { skip_prk_steps: boolean }> {
  readonly className = 'PNDMScheduler';
  private prkSteps = 0;
  private stride = 1;
  private counter = 0;
  /** Past model outputs, newest last, and buffers for the RK sum and the step's start sample. */
  private ets: Float64Array[] = [];
  private spare: Float64Array[] = [];
  private acc = new Float64Array(0);
  private start = new Float64Array(0);

  setTimesteps(n: number, options?: SetTimestepsOptions): void {
    refuseCustomSchedule(this.className, options, false);
    const asc = this.spaced(n).reverse();
    this.stride = Math.floor(this.config.num_train_timesteps / n);
    if (this.config.skip_prk_steps) {
      // PLMS alone: its second step re-evaluates the first interval, so one timestep repeats.
      const ts = [...asc.subarray(0, -1), ...asc.subarray(-2, -1), ...asc.subarray(-1)].reverse();
      this.timesteps = Float64Array.from(ts);
      this.prkSteps = 0;
    } else {
      if (n < 4)
        throw new RangeError(
          `${this.className}: Runge–Kutta warm-up needs at least 4 steps (got ${n}); set skip_prk_steps`,
        );
      const half = Math.floor(this.stride / 2);
      const pairs = [...asc.subarray(-4)].flatMap((t) => [t, t + half]);
      const prk = pairs
        .slice(0, -1)
        .flatMap((t) => [t, t])
        .slice(1, -1)
        .reverse();
      this.timesteps = Float64Array.from([...prk, ...[...asc.subarray(0, -3)].reverse()]);
      this.prkSteps = prk.length;
    }
    this.counter = 0;
    this.spare.push(...this.ets);
    this.ets = [];
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, _noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    this.indexOf(t);
    const m = modelOutput.data;
    if (this.start.length !== m.length) this.allocate(m.length);
    const c = this.counter;
    // Effective ε = wm·m + Σ w_j·ets[newest−j] + wa·acc, evaluated from `from` at time tFrom to tTo.
    let wm = 1;
    let w: readonly number[] = NONE;
    let wa = 0;
    let fromStart = false;
    let tFrom = t;
    let tTo = t - this.stride;
    if (c < this.prkSteps) {
      const phase = c % 4;
      tTo = t - (c % 2 ? 0 : Math.floor(this.stride / 2));
      tFrom = this.timesteps[Math.floor(c / 4) * 4];
      if (phase === 3) [wm, wa] = [RK[3], 1];
      fromStart = phase !== 0;
      this.accumulate(phase, m);
      if (phase === 0) this.remember(m, sample.data);
    } else if (c === 1) {
      // Second PLMS call: average with the first output and redo the first interval.
      [tFrom, tTo] = [t + this.stride, t];
      [wm, w] = [0.5, HALF];
      fromStart = true;
    } else {
      this.remember(m, c === 0 ? sample.data : undefined);
      [wm, w] = [0, PLMS[this.ets.length - 1]];
    }
    const x = fromStart ? this.start : sample.data;
    this.update(out, x, m, wm, w, wa, tFrom, tTo);
    this.counter++;
    return out;
  }

  /** x_prev from x at tFrom with effective output ε (PNDM's transfer φ, eq. 11); x̂0 from the same ε. */
  private update(
    out: StepOutput,
    x: ArrayLike<number>,
    m: ArrayLike<number>,
    wm: number,
    w: readonly number[],
    wa: number,
    tFrom: number,
    tTo: number,
  ): void {
    const a = this.alphaAt(tFrom);
    const aPrev = this.alphaAt(tTo);
    const v = this.config.prediction_type === 'v_prediction';
    const sampleCoeff = Math.sqrt(aPrev / a);
    const denom = a * Math.sqrt(1 - aPrev) + Math.sqrt(a * (1 - a) * aPrev);
    const sqrtA = Math.sqrt(a);
    const sqrtB = Math.sqrt(1 - a);
    const e = this.ets;
    const n = e.length;
    const prev = out.prevSample.data;
    const x0 = out.predOriginalSample.data;
    for (let k = 0; k < prev.length; k++) {
      let eps = wm * m[k] + wa * this.acc[k];
      for (let j = 0; j < w.length; j++) eps += w[j] * e[n - 1 - j][k];
      if (v) eps = sqrtA * eps + sqrtB * x[k];
      prev[k] = sampleCoeff * x[k] - ((aPrev - a) * eps) / denom;
      x0[k] = (x[k] - sqrtB * eps) / sqrtA;
    }
  }

  private accumulate(phase: number, m: ArrayLike<number>): void {
    if (phase === 3) return; // used, then cleared on the next phase 0
    const first = phase === 0;
    for (let k = 0; k < m.length; k++) this.acc[k] = (first ? 0 : this.acc[k]) + RK[phase] * m[k];
  }

  /** Appends m to the history (at most 4 kept) and, when given, copies the step's start sample. */
  private remember(m: ArrayLike<number>, x: ArrayLike<number> | undefined): void {
    const buf = this.ets.length === 4 ? this.ets.shift()! : this.spare.pop()!;
    buf.set(m);
    this.ets.push(buf);
    if (x) this.start.set(x);
  }

  private allocate(size: number): void {
    this.spare = Array.from({ length: 4 }, () => new Float64Array(size));
    this.ets = [];
    this.acc = new Float64Array(size);
    this.start = new Float64Array(size);
  }
}
