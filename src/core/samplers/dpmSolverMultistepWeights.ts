// Step weights of multistep DPM-Solver and DPM-Solver++ (Lu et al. 2022, https://arxiv.org/abs/2211.01095,
// Alg. 2) as diffusers 0.35.2 writes them. Each update is x_t = w[0]·x + w[1]·m0 + w[2]·m1 + w[3]·m2 + w[4]·z
// for the newest converted outputs m0, m1, m2, from schedule index i to i+1.
import { f32 } from '../schedules/float32';
import type { VpTable } from './multistepCommon';
import { dpmCoefficients, type DpmAlgorithm, type DpmSolverType } from './dpmSolverCoefficients';

export type { DpmAlgorithm, DpmSolverType } from './dpmSolverCoefficients';

/** Fills w (length 5) for an order-`order` step from schedule index i to i+1. */
export function dpmWeights(
  w: Float64Array,
  algo: DpmAlgorithm,
  type: DpmSolverType,
  order: number,
  vp: VpTable,
  i: number,
): void {
  const { x, d0, c1, c2, noise, h } = dpmCoefficients(algo, type, order, vp, i, i + 1);
  const { lambda } = vp;
  w[0] = x;
  w[1] = d0;
  w[2] = 0;
  w[3] = 0;
  w[4] = noise;
  if (order === 1) return;
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
