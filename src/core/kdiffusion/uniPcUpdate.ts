// One UniPC multistep update with B(h) (Zhao et al. 2023, arXiv:2302.04867, Algorithms 2–3, data
// prediction), as multistep_uni_pc_bh_update computes it in both ComfyUI (comfy/extra_samplers/uni_pc.py)
// and A1111 (modules/models/diffusion/uni_pc/uni_pc.py; the two are the same code) on a VP noise schedule
// given by log α(t). x is in the variance-preserving scale. The schedule's scalars are evaluated in float32 op
// by op as torch does: near t = 0 the std √(1 − e^{2 log α}) cancels to a few digits, and the tools step with
// that value.
import type { Sampling } from './denoiser';

/** The data-prediction model at a UniPC time, on the variance-preserving scale. */
export type UniPcModel = (xVp: Float32Array, t: number) => Sampling<Float32Array>;

const f = Math.fround;

/** A VP noise schedule by its log α(t) (float32); α, std and λ = log α − log std follow from it. */
export class UniPcSchedule {
  constructor(readonly logAlpha: (t: number) => number) {}

  alpha(t: number): number {
    return f(Math.exp(this.logAlpha(t)));
  }

  std(t: number): number {
    return f(Math.sqrt(f(1 - f(Math.exp(f(2 * this.logAlpha(t)))))));
  }

  lambda(t: number): number {
    const la = this.logAlpha(t);
    return f(la - f(0.5 * f(Math.log(f(1 - f(Math.exp(f(2 * la))))))));
  }
}

/** Solves A·x = b (small, dense) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row.slice(0, n), b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const k = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= k * m[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let j = r + 1; j < n; j++) s -= m[r][j] * x[j];
    x[r] = s / m[r][r];
  }
  return x;
}

export interface UniPcState {
  readonly models: Float32Array[];
  readonly ts: number[];
}

/** Moves x from ts[last] to t; with `model` (the corrector's evaluation at the predicted point) it also
 * returns that model output. `order` ≤ models.length. */
export function* uniPcBhUpdate(
  x: Float32Array,
  state: UniPcState,
  t: number,
  order: number,
  variant: 'bh1' | 'bh2',
  ns: UniPcSchedule,
  model: UniPcModel | undefined,
): Sampling<{ x: Float32Array; modelT?: Float32Array }> {
  const { models, ts } = state;
  const tPrev = ts[ts.length - 1];
  const m0 = models[models.length - 1];
  const lambdaPrev = ns.lambda(tPrev);
  const h = f(ns.lambda(t) - lambdaPrev);
  const rks: number[] = [];
  const d1s: Float32Array[] = [];
  for (let i = 1; i < order; i++) {
    const rk = f(f(ns.lambda(ts[ts.length - 1 - i]) - lambdaPrev) / h);
    rks.push(rk);
    const mi = models[models.length - 1 - i];
    const d1 = new Float32Array(mi.length);
    for (let j = 0; j < d1.length; j++) d1[j] = (mi[j] - m0[j]) / rk;
    d1s.push(d1);
  }
  rks.push(1);
  const hh = -h;
  const hPhi1 = f(Math.expm1(hh));
  const bh = variant === 'bh1' ? hh : f(Math.expm1(hh));
  let hPhiK = f(f(hPhi1 / hh) - 1);
  let factorial = 1;
  const R: number[][] = [];
  const b: number[] = [];
  for (let i = 1; i <= order; i++) {
    R.push(rks.map((r) => r ** (i - 1)));
    b.push(f(f(hPhiK * factorial) / bh));
    factorial *= i + 1;
    hPhiK = f(f(hPhiK / hh) - f(1 / factorial));
  }
  const alphaT = ns.alpha(t);
  const ratio = f(ns.std(t) / ns.std(tPrev));
  const c0 = f(alphaT * hPhi1);
  const cb = f(alphaT * bh);
  const base = new Float32Array(x.length);
  for (let j = 0; j < base.length; j++) base[j] = ratio * x[j] - c0 * m0[j];
  let xt = base;
  if (d1s.length > 0) {
    const rhosP =
      order === 2
        ? [0.5]
        : solve(
            R.slice(0, -1).map((row) => row.slice(0, -1)),
            b.slice(0, -1),
          );
    xt = new Float32Array(base.length);
    for (let j = 0; j < xt.length; j++) xt[j] = base[j] - cb * rhoSum(rhosP, d1s, j);
  }
  if (!model) return { x: xt };
  const modelT = (yield* model(xt, t)).slice();
  const rhosC = order === 1 ? [0.5] : solve(R, b);
  const last = rhosC[rhosC.length - 1];
  const corrected = new Float32Array(base.length);
  for (let j = 0; j < corrected.length; j++) {
    corrected[j] = base[j] - cb * (rhoSum(rhosC, d1s, j) + last * (modelT[j] - m0[j]));
  }
  return { x: corrected, modelT };
}

/** Σₖ ρₖ·D1ₖ[j] over the D1 terms, from 0 in their order (as the tools' einsum over k sums them here). */
function rhoSum(rhos: readonly number[], d1s: readonly Float32Array[], j: number): number {
  let s = 0;
  for (let k = 0; k < d1s.length; k++) s += rhos[k] * d1s[k][j];
  return s;
}
