// DPM-Solver steps of order 1–3 in t = −log σ (Lu et al. 2022, arXiv:2206.00927, Algorithms 4–5), as
// k-diffusion's DPMSolver class (dpm_solver_1/2/3_step) computes them for dpm_fast and dpm_adaptive (ComfyUI
// and A1111 run the same code). ε(x, t) = (x − D(x, σ(t)))/σ(t); within one step each named evaluation
// ('eps', 'eps_r1', 'eps_r2') is made once, as the original's eps_cache does.
import type { ModelStep, Sampling } from './denoiser';
import { ancestralStep, lincomb } from './stepMath';

const f = Math.fround;
export const sigmaOfT = (t: number): number => f(Math.exp(-t));

export type CachedEps = (key: 'eps' | 'eps_r1' | 'eps_r2', x: Float32Array, t: number) => Sampling<Float32Array>;

/** A fresh eps_cache over the denoiser (one per solver step). */
export function cachedEps(denoise: ModelStep): CachedEps {
  const cache = new Map<string, Float32Array>();
  return function* (key, x, t) {
    const hit = cache.get(key);
    if (hit) return hit;
    const s = sigmaOfT(t);
    const d = yield* denoise(x, s);
    const e = new Float32Array(x.length);
    for (let j = 0; j < e.length; j++) e[j] = (x[j] - d[j]) / s;
    cache.set(key, e);
    return e;
  };
}

/** One DPM-Solver step of the given order from t to tNext; r1 is the first intermediate point (1/2 for
 * order 2 by default, 1/3 for order 3), r2 = 2/3. */
export function* dpmSolverStep(
  order: 1 | 2 | 3,
  eps: CachedEps,
  x: Float32Array,
  t: number,
  tNext: number,
  r1 = order === 2 ? 1 / 2 : 1 / 3,
): Sampling<Float32Array> {
  const e = yield* eps('eps', x, t);
  const h = tNext - t;
  const sNext = sigmaOfT(tNext);
  const base: [number, Float32Array][] = [
    [1, x],
    [-sNext * Math.expm1(h), e],
  ];
  if (order === 1) return lincomb(base);
  const s1 = t + r1 * h;
  const e1 = yield* eps(
    'eps_r1',
    lincomb([
      [1, x],
      [-sigmaOfT(s1) * Math.expm1(r1 * h), e],
    ]),
    s1,
  );
  if (order === 2) {
    const k = (sNext / (2 * r1)) * Math.expm1(h);
    return lincomb([...base, [-k, e1], [k, e]]);
  }
  const r2 = 2 / 3;
  const s2 = t + r2 * h;
  const k2 = sigmaOfT(s2) * (r2 / r1) * (Math.expm1(r2 * h) / (r2 * h) - 1);
  const e2 = yield* eps(
    'eps_r2',
    lincomb([
      [1, x],
      [-sigmaOfT(s2) * Math.expm1(r2 * h), e],
      [-k2, e1],
      [k2, e],
    ]),
    s2,
  );
  const k3 = (sNext / r2) * (Math.expm1(h) / h - 1);
  return lincomb([...base, [-k3, e2], [k3, e]]);
}

/** With η > 0 the step from t to tNext lands at σ_down (not past tEnd) and σ_up = √(σ(tNext)² − σ(t′)²) of
 * noise is added, evaluated in float32 as the original does. */
export function ancestralTarget(t: number, tNext: number, tEnd: number, eta: number): { tTo: number; sigmaUp: number } {
  if (!eta) return { tTo: tNext, sigmaUp: 0 };
  const { sigmaDown } = ancestralStep(sigmaOfT(t), sigmaOfT(tNext), eta);
  const tTo = Math.min(tEnd, f(-Math.log(sigmaDown)));
  return { tTo, sigmaUp: f(Math.sqrt(f(f(sigmaOfT(tNext) ** 2) - f(sigmaOfT(tTo) ** 2)))) };
}
