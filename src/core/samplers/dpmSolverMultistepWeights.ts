// Step weights of multistep DPM-Solver (Lu et al. 2022, https://arxiv.org/abs/2206.00927) and
// DPM-Solver++ (Lu et al. 2022, https://arxiv.org/abs/2211.01095, Alg. 2), with the SDE variants
// (Lu et al. 2022 §5 / Gonzalez et al. 2023) as diffusers 0.35.2 writes them. Each update is
// x_t = w[0]·x + w[1]·m0 + w[2]·m1 + w[3]·m2 + w[4]·z for the newest converted outputs m0, m1, m2.
import { f32 } from '../schedules/float32';
import type { VpTable } from './multistepCommon';

export type DpmAlgorithm = 'dpmsolver++' | 'dpmsolver' | 'sde-dpmsolver++' | 'sde-dpmsolver';
export type DpmSolverType = 'midpoint' | 'heun';

/** Fills w (length 5) for an order-`order` step from schedule index i to i+1. */
export function dpmWeights(
  w: Float64Array,
  algo: DpmAlgorithm,
  type: DpmSolverType,
  order: number,
  vp: VpTable,
  i: number,
): void {
  const { alpha, sigma, lambda } = vp;
  const at = alpha[i + 1];
  const st = sigma[i + 1];
  // Scalars in float32 as torch computes them on the float32 σ: at σ_max ≈ 2·10⁴ (squaredcos_cap_v2
  // with Karras σ) the first x̂0 magnifies their rounding 10⁴-fold.
  const h = f32(lambda[i + 1] - lambda[i]);
  const em = f32(f32(Math.exp(-h)) - 1); // e^{−h} − 1
  const ep = f32(f32(Math.exp(h)) - 1); // e^{h} − 1
  const e2 = f32(1 - f32(Math.exp(-2 * h))); // 1 − e^{−2h}
  // First-order (DDIM-like) part, and the coefficients c1 of D1 and c2 of D2 per algorithm.
  let c1: number;
  let c2: number;
  w[4] = 0;
  switch (algo) {
    case 'dpmsolver++':
      w[0] = f32(st / sigma[i]);
      w[1] = -f32(at * em);
      c1 = type === 'midpoint' && order === 2 ? -0.5 * at * em : at * (em / h + 1);
      c2 = -at * ((em + h) / (h * h) - 0.5);
      break;
    case 'dpmsolver':
      w[0] = f32(at / alpha[i]);
      w[1] = -f32(st * ep);
      c1 = type === 'midpoint' && order === 2 ? -0.5 * st * ep : -st * (ep / h - 1);
      c2 = -st * ((ep - h) / (h * h) - 0.5);
      break;
    case 'sde-dpmsolver++':
      w[0] = f32(f32(st / sigma[i]) * f32(Math.exp(-h)));
      w[1] = f32(at * e2);
      w[4] = st * Math.sqrt(e2);
      c1 = type === 'midpoint' && order === 2 ? 0.5 * at * e2 : at * (e2 / (-2 * h) + 1);
      c2 = at * ((e2 - 2 * h) / (4 * h * h) - 0.5);
      break;
    case 'sde-dpmsolver':
      w[0] = at / alpha[i];
      w[1] = -2 * st * ep;
      w[4] = st * Math.sqrt(Math.exp(2 * h) - 1);
      c1 = type === 'midpoint' && order === 2 ? -st * ep : -2 * st * (ep / h - 1);
      c2 = NaN; // diffusers has no third-order SDE-DPM-Solver; the config check rejects it
      break;
  }
  w[2] = 0;
  w[3] = 0;
  if (order === 1) return;
  c1 = f32(c1);
  c2 = f32(c2);
  const r0 = f32(f32(lambda[i] - lambda[i - 1]) / h);
  if (order === 2) {
    // D1 = (1/r0)·(m0 − m1)
    const d = c1 * f32(1 / r0);
    w[1] += d;
    w[2] = -d;
    return;
  }
  // D1_0 = (1/r0)·(m0 − m1), D1_1 = (1/r1)·(m1 − m2), D1 = D1_0 + r0/(r0+r1)·(D1_0 − D1_1),
  // D2 = (D1_0 − D1_1)/(r0+r1)
  const r1 = f32(f32(lambda[i - 1] - lambda[i - 2]) / h);
  const k = f32(r0 / f32(r0 + r1));
  const inv = f32(1 / f32(r0 + r1));
  const a = (c1 * (1 + k) + c2 * inv) * f32(1 / r0);
  const b = (-c1 * k - c2 * inv) * f32(1 / r1);
  w[1] += a;
  w[2] = b - a;
  w[3] = -b;
}
