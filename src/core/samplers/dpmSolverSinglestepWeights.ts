// Step weights of singlestep DPM-Solver and DPM-Solver++ (Lu et al. 2022, https://arxiv.org/abs/2206.00927
// Alg. 1–2; https://arxiv.org/abs/2211.01095 Alg. 1) as diffusers 0.35.2's DPMSolverSinglestepScheduler
// writes them: an order-k step runs from schedule index i − k + 1 (where its first output was taken) to
// i + 1, from the sample saved there. x_t = w[0]·x_s + w[1]·m0 + w[2]·m1 + w[3]·m2 + w[4]·z for the newest
// converted outputs m0, m1, m2.
import { f32 } from '../schedules/float32';
import type { VpTable } from './multistepCommon';
import { dpmCoefficients, type DpmAlgorithm, type DpmSolverType } from './dpmSolverCoefficients';

/** Fills w (length 5) for the order-`order` step that ends at schedule index i + 1. */
export function dpmSinglestepWeights(
  w: Float64Array,
  algo: DpmAlgorithm,
  type: DpmSolverType,
  order: number,
  vp: VpTable,
  i: number,
): void {
  const from = i - order + 1;
  const { x, d0, c1, c2, noise, h } = dpmCoefficients(algo, type, order, vp, from, i + 1);
  const { lambda } = vp;
  w.fill(0);
  w[0] = x;
  w[4] = noise;
  // D0 is the oldest output of the step (m_{order−1}); the D1, D2 terms are differences against it.
  if (order === 1) {
    w[1] = d0;
    return;
  }
  const r0 = f32(f32(lambda[i] - lambda[from]) / h);
  if (order === 2) {
    // D0 = m1, D1 = (1/r0)·(m0 − m1)
    w[1] = c1 * f32(1 / r0);
    w[2] = d0 - w[1];
    return;
  }
  // D0 = m2, D1_0 = (1/r1)·(m1 − m2), D1_1 = (1/r0)·(m0 − m2). Midpoint: x + d0·D0 + c1·D1_1. Heun:
  // D1 = (r0·D1_0 − r1·D1_1)/(r0 − r1), D2 = 2·(D1_1 − D1_0)/(r0 − r1), x + d0·D0 + c1·D1 + c2·D2.
  const r1 = f32(f32(lambda[i - 1] - lambda[from]) / h);
  const dr = f32(r0 - r1);
  const onD11 = type === 'midpoint' ? c1 : (-c1 * r1 + 2 * c2) / dr;
  const onD10 = type === 'midpoint' ? 0 : (c1 * r0 - 2 * c2) / dr;
  w[1] = onD11 * f32(1 / r0);
  w[2] = onD10 * f32(1 / r1);
  w[3] = d0 - w[1] - w[2];
}
