// The Taylor coefficients of one DPM-Solver (Lu et al. 2022, https://arxiv.org/abs/2206.00927) and
// DPM-Solver++ (Lu et al. 2022, https://arxiv.org/abs/2211.01095) step, with the SDE variants (Lu et al.
// 2022 §5 / Gonzalez et al. 2023), as diffusers 0.35.2 writes them for both its multistep and its
// singlestep scheduler: x_t = x0c·x + d0·D0 + c1·D1 + c2·D2 + noise·z. The two differ only in which
// outputs make up the differences D0, D1, D2 and in the point the step starts from.
import { f32 } from '../schedules/float32';
import type { VpTable } from './multistepCommon';

export type DpmAlgorithm = 'dpmsolver++' | 'dpmsolver' | 'sde-dpmsolver++' | 'sde-dpmsolver';
export type DpmSolverType = 'midpoint' | 'heun';

export interface DpmCoefficients {
  /** Of the sample the step starts from. */
  readonly x: number;
  /** Of D0, D1, D2 and the noise. */
  readonly d0: number;
  readonly c1: number;
  readonly c2: number;
  readonly noise: number;
  /** λ_to − λ_from, in float32. */
  readonly h: number;
}

/** The coefficients of an order-`order` step from schedule index `from` to `to`. */
export function dpmCoefficients(
  algo: DpmAlgorithm,
  type: DpmSolverType,
  order: number,
  vp: VpTable,
  from: number,
  to: number,
): DpmCoefficients {
  const { alpha, sigma, lambda } = vp;
  const at = alpha[to];
  const st = sigma[to];
  // Scalars in float32 as torch computes them on the float32 σ: at σ_max ≈ 2·10⁴ (squaredcos_cap_v2
  // with Karras σ) the first x̂0 magnifies their rounding 10⁴-fold.
  const h = f32(lambda[to] - lambda[from]);
  const em = f32(f32(Math.exp(-h)) - 1); // e^{−h} − 1
  const ep = f32(f32(Math.exp(h)) - 1); // e^{h} − 1
  const e2 = f32(1 - f32(Math.exp(-2 * h))); // 1 − e^{−2h}
  const half = type === 'midpoint' && order === 2;
  switch (algo) {
    case 'dpmsolver++':
      return {
        x: f32(st / sigma[from]),
        d0: -f32(at * em),
        c1: f32(half ? -0.5 * at * em : at * (em / h + 1)),
        c2: f32(-at * ((em + h) / (h * h) - 0.5)),
        noise: 0,
        h,
      };
    case 'dpmsolver':
      return {
        x: f32(at / alpha[from]),
        d0: -f32(st * ep),
        c1: f32(half ? -0.5 * st * ep : -st * (ep / h - 1)),
        c2: f32(-st * ((ep - h) / (h * h) - 0.5)),
        noise: 0,
        h,
      };
    case 'sde-dpmsolver++':
      return {
        x: f32(f32(st / sigma[from]) * f32(Math.exp(-h))),
        d0: f32(at * e2),
        c1: f32(half ? 0.5 * at * e2 : at * (e2 / (-2 * h) + 1)),
        c2: f32(at * ((e2 - 2 * h) / (4 * h * h) - 0.5)),
        noise: st * Math.sqrt(e2),
        h,
      };
    case 'sde-dpmsolver':
      return {
        x: at / alpha[from],
        d0: -2 * st * ep,
        c1: f32(half ? -st * ep : -2 * st * (ep / h - 1)),
        c2: NaN, // diffusers has no third-order SDE-DPM-Solver; the config check rejects it
        noise: st * Math.sqrt(Math.exp(2 * h) - 1),
        h,
      };
  }
}
