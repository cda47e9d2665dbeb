// Weights of UniPC's predictor UniP and corrector UniC with the B(h) choices bh1 (B(h) = h) and
// bh2 (B(h) = e^h − 1) (Zhao et al. 2023, https://arxiv.org/abs/2302.04867, Alg. 2 and 3), in the
// form diffusers 0.35.2 computes them. Every update is a linear combination
// x_t = w[0]·x + Σ_k w[k+1]·m_k (+ w[order+1]·m_t for the corrector) of the newest outputs.
import { f32 } from '../schedules/float32';
import type { VpTable } from './multistepCommon';

export type UniPcSolverType = 'bh1' | 'bh2';

export interface UniPcStep {
  readonly bh: UniPcSolverType;
  /** Outputs are x̂0 (UniPC's data-prediction form) rather than ε̂. */
  readonly predictX0: boolean;
  readonly order: number;
  /** Schedule indices of the step's start s0 and end t; older outputs sit at s0 − k. */
  readonly s0: number;
  readonly t: number;
  /** The corrector also weighs the output at t (the model call just made). */
  readonly corrector: boolean;
}

/** Fills w: w[0] for the sample at s0, w[k+1] for the output at s0 − k (k < order), and for the
 * corrector w[order+1] for the output at t. */
export function uniPcWeights(w: Float64Array, s: UniPcStep, vp: VpTable): void {
  const { alpha, sigma, lambda } = vp;
  const h = f32(lambda[s.t] - lambda[s.s0]);
  const rks: number[] = [];
  for (let k = 1; k < s.order; k++) rks.push((lambda[s.s0 - k] - lambda[s.s0]) / h);
  rks.push(1);
  const hh = s.predictX0 ? -h : h;
  const hPhi1 = Math.expm1(hh);
  const bh = s.bh === 'bh1' ? hh : Math.expm1(hh);
  // R[i][j] = r_j^i and b_i = i!·h φ_{i+1}(h)/B(h), φ by its recurrence.
  const R: number[][] = [];
  const b: number[] = [];
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  for (let i = 1; i <= s.order; i++) {
    R.push(rks.map((r) => r ** (i - 1)));
    b.push((hPhiK * factorial) / bh);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  let rhos: number[];
  if (s.corrector) rhos = s.order === 1 ? [0.5] : solve(R, b);
  else
    rhos =
      s.order === 1
        ? []
        : s.order === 2
          ? [0.5]
          : solve(
              R.slice(0, -1).map((row) => row.slice(0, -1)),
              b.slice(0, -1),
            );

  const scale = s.predictX0 ? alpha[s.t] : sigma[s.t];
  w[0] = s.predictX0 ? sigma[s.t] / sigma[s.s0] : alpha[s.t] / alpha[s.s0];
  w[1] = -scale * hPhi1;
  // D1_k = (m_k − m0)/r_k for the older outputs; the corrector's last ρ weighs (m_t − m0).
  for (let k = 1; k < s.order; k++) {
    const c = (scale * bh * rhos[k - 1]) / rks[k - 1];
    w[k + 1] = -c;
    w[1] += c;
  }
  if (s.corrector) {
    const c = scale * bh * rhos[s.order - 1];
    w[s.order + 1] = -c;
    w[1] += c;
  }
}

/** Solves A·x = y for a small dense system (Gaussian elimination with partial pivoting). */
function solve(A: number[][], y: number[]): number[] {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = M[r][n];
    for (let k = r + 1; k < n; k++) acc -= M[r][k] * x[k];
    x[r] = acc / M[r][r];
  }
  return x;
}
