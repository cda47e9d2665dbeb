// DPM-Solver-Fast (Lu et al. 2022, arXiv:2206.00927, §3.4), k-diffusion's DPMSolver.dpm_solver_fast as
// ComfyUI's "dpm_fast" and A1111's "DPM fast" run it: n model calls spread over ⌊n/3⌋ + 1 uniform steps in
// t = −log σ from σ_max to σ_min, third order but for the last one or two steps; the result stays at σ_min.
// σ_max is sigmas[0], σ_min the last σ above 0, n = sigmas.length − 1 (ComfyUI's reading of the schedule;
// A1111 passes the model's σ range and its step count, which its Uniform list has at the same places).
// η > 0 (A1111's default η is 1) makes the steps ancestral. Noise is drawn on every step, even at η = 0.
import { torchLinspaceF32 } from '../schedules/float32';
import type { Denoiser, KSampler } from './denoiser';
import { addNoise, ancestralStep, copy, lincomb, notify } from './stepMath';

const f = Math.fround;
const sigmaOf = (t: number) => f(Math.exp(-t));

type Eps = (x: Float32Array, t: number) => Float32Array;

/** One DPM-Solver step of order 1–3 from t to tNext given ε at t (Lu et al. 2022, Algorithms 4–5). */
function dpmSolverStep(order: number, eps: Eps, x: Float32Array, e: Float32Array, t: number, tNext: number):
  Float32Array {
  const h = tNext - t;
  const sNext = sigmaOf(tNext);
  const base: [number, Float32Array][] = [[1, x], [-sNext * Math.expm1(h), e]];
  if (order === 1) return lincomb(base);
  const r1 = order === 2 ? 1 / 2 : 1 / 3;
  const s1 = t + r1 * h;
  const u1 = lincomb([[1, x], [-sigmaOf(s1) * Math.expm1(r1 * h), e]]);
  const e1 = eps(u1, s1);
  if (order === 2) {
    const k = (sNext / (2 * r1)) * Math.expm1(h);
    return lincomb([...base, [-k, e1], [k, e]]);
  }
  const r2 = 2 / 3;
  const s2 = t + r2 * h;
  const k2 = sigmaOf(s2) * (r2 / r1) * (Math.expm1(r2 * h) / (r2 * h) - 1);
  const u2 = lincomb([[1, x], [-sigmaOf(s2) * Math.expm1(r2 * h), e], [-k2, e1], [k2, e]]);
  const e2 = eps(u2, s2);
  const k3 = (sNext / r2) * (Math.expm1(h) / h - 1);
  return lincomb([...base, [-k3, e2], [k3, e]]);
}

export const sampleDpmFast: KSampler = (denoise: Denoiser, x0, sigmas, opts = {}) => {
  const nfe = sigmas.length - 1;
  const sigmaMin = sigmas[nfe] > 0 ? sigmas[nfe] : sigmas[nfe - 1];
  if (!(nfe >= 1 && sigmaMin > 0)) throw new RangeError('dpm_fast: needs at least one step above σ = 0');
  const eta = opts.eta ?? 0;
  const tStart = f(-Math.log(sigmas[0]));
  const tEnd = f(-Math.log(sigmaMin));
  const eps: Eps = (x, t) => {
    const s = sigmaOf(t);
    const d = denoise(x, s);
    return Float32Array.from(x, (v, j) => (v - d[j]) / s);
  };
  const m = Math.floor(nfe / 3) + 1;
  const ts = torchLinspaceF32(tStart, tEnd, m + 1);
  const orders = nfe % 3 === 0 ? [...Array(m - 2).fill(3), 2, 1] : [...Array(m - 1).fill(3), nfe % 3];
  let x = copy(x0);
  orders.forEach((order, i) => {
    const [t, tNext] = [ts[i], ts[i + 1]];
    let tTo = tNext;
    let su = 0;
    if (eta) {
      const { sigmaDown } = ancestralStep(sigmaOf(t), sigmaOf(tNext), eta);
      tTo = Math.min(tEnd, f(-Math.log(sigmaDown)));
      su = f(Math.sqrt(f(f(sigmaOf(tNext) ** 2) - f(sigmaOf(tTo) ** 2))));
    }
    const e = eps(x, t);
    notify(opts.callback, i, sigmaOf(t), sigmaOf(t), x, lincomb([[1, x], [-sigmaOf(t), e]]));
    x = dpmSolverStep(order, eps, x, e, t, tTo);
    x = addNoise(x, su * (opts.sNoise ?? 1), opts, 'dpm_fast', sigmaOf(t), sigmaOf(tNext));
  });
  return x;
};
