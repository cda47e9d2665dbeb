// One UniPC multistep update with B(h) (Zhao et al. 2023, arXiv:2302.04867, Algorithms 2–3, data
// prediction), as multistep_uni_pc_bh_update computes it in both ComfyUI (comfy/extra_samplers/uni_pc.py)
// and A1111 (modules/models/diffusion/uni_pc/uni_pc.py; the two are the same code) on a VP noise schedule
// given by log α(t). x is in the variance-preserving scale. The schedule's scalars are evaluated in float32 op
// by op as torch does: near t = 0 the std √(1 − e^{2 log α}) cancels to a few digits, and the tools step with
// that value.
import type { Sampling } from './denoiser';
import { lincomb } from './stepMath';

/** The data-prediction model at a UniPC time, on the variance-preserving scale, in an array of its own (the
 * updates keep it as history): `into`, one the history has let go, where given. */
export type UniPcModel = (xVp: Float32Array, t: number, into?: Float32Array) => Sampling<Float32Array>;

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
  /** The model output the history last let go, for the next one. */
  spare?: Float32Array;
  /** The predicted x the model is called at, an array every update reuses. */
  predicted?: Float32Array;
}

/** Moves x from ts[last] to t, in place; with `model` (the corrector's evaluation at the predicted point) x
 * ends corrected and the model output is returned. `order` ≤ models.length. */
export function* uniPcBhUpdate(
  x: Float32Array,
  state: UniPcState,
  t: number,
  order: number,
  variant: 'bh1' | 'bh2',
  ns: UniPcSchedule,
  model: UniPcModel | undefined,
): Sampling<Float32Array | undefined> {
  const { models, ts } = state;
  const tPrev = ts[ts.length - 1];
  const lambdaPrev = ns.lambda(tPrev);
  const h = f(ns.lambda(t) - lambdaPrev);
  const rks: number[] = [];
  const earlier: Float32Array[] = [];
  for (let i = 1; i < order; i++) {
    rks.push(f(f(ns.lambda(ts[ts.length - 1 - i]) - lambdaPrev) / h));
    earlier.push(models[models.length - 1 - i]);
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
  const update: Update = {
    x,
    m0: models[models.length - 1],
    ratio: f(ns.std(t) / ns.std(tPrev)),
    c0: f(alphaT * hPhi1),
    cb: f(alphaT * bh),
    earlier,
    rks,
  };
  const rhosP = order === 1 ? [] : order === 2 ? [0.5] : solve(dropLast(R).map(dropLast), dropLast(b));
  // Without a model to call, the prediction is the update itself.
  const predicted = updated(update, rhosP, model ? (state.predicted ??= new Float32Array(x.length)) : x);
  if (!model) return undefined;
  const modelT = yield* model(predicted, t, state.spare);
  state.spare = undefined;
  const rhosC = order === 1 ? [0.5] : solve(R, b);
  updated(update, rhosC, x, modelT);
  return modelT;
}

const dropLast = <T>(xs: readonly T[]): T[] => xs.slice(0, -1);

/** An update's arrays and scalars: x, the latest model output m0, the earlier ones by their ratios r_k. */
interface Update {
  x: Float32Array;
  m0: Float32Array;
  ratio: number;
  c0: number;
  cb: number;
  earlier: readonly Float32Array[];
  rks: readonly number[];
}

/** ratio·x − c0·m0 − cb·(Σₖ ρₖ·D1ₖ + ρ_last·(m_t − m0)) with D1ₖ = (mₖ − m0)/rₖ, the corrector's last term only
 * where m_t is given, as one sum over the arrays (stepMath's lincomb) into `out`. The tools
 * store the D1ₖ and x_t − c0·m0 as float32 first; summing in float64 instead moves a value by at most about one
 * float32 step, and saves a pass and an array for each. */
function updated(u: Update, rhos: readonly number[], out: Float32Array, modelT?: Float32Array): Float32Array {
  const terms: [number, Float32Array][] = [[u.ratio, u.x]];
  let onM0 = -u.c0;
  u.earlier.forEach((m, k) => {
    const c = (u.cb * rhos[k]) / u.rks[k];
    terms.push([-c, m]);
    onM0 += c;
  });
  if (modelT) {
    const last = u.cb * rhos[rhos.length - 1];
    terms.push([-last, modelT]);
    onM0 += last;
  }
  terms.splice(1, 0, [onM0, u.m0]);
  return lincomb(terms, out);
}
