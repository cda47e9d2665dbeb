// DPM-Solver-12/23 with adaptive step size (Lu et al. 2022, arXiv:2206.00927, §4.2), k-diffusion's
// DPMSolver.dpm_solver_adaptive as ComfyUI's "dpm_adaptive" and A1111's "DPM adaptive" run it: from σ_max to
// σ_min (read from the σ list as dpm_fast does; the step count is not used), each attempt takes an order-2 and
// an order-3 step (orders 1 and 2 with opts.order = 2) and a PID controller (here I-only, k-diffusion's
// defaults) grows or shrinks h from their difference; a rejected attempt is retried with the smaller h.
// Three model calls per attempt. A1111 passes η = 1: ancestral steps, controller order 1.5.
import type { KSampler } from './denoiser';
import { sigmaRange } from './dpmFast';
import { ancestralTarget, cachedEps, dpmSolverStep, sigmaOfT } from './dpmSolver';
import { addNoise, copy, lincomb, notify } from './stepMath';

const f = Math.fround;
const RTOL = 0.05;
const ATOL = 0.0078;
const H_INIT = 0.05;
const ACCEPT_SAFETY = 0.81;

/** k-diffusion's PIDStepSizeController with pcoeff = dcoeff = 0, icoeff = 1: factor = error^(−1/order),
 * softened by 1 + atan(factor − 1); accept when the factor is at least 0.81. */
function proposeStep(state: { h: number }, error: number, order: number): boolean {
  const factor = 1 + Math.atan((1 / (error + 1e-8)) ** (1 / order) - 1);
  state.h *= factor;
  return factor >= ACCEPT_SAFETY;
}

/** ‖(x_low − x_high)/δ‖₂/√n with δ = max(atol, rtol·max(|x_low|, |x_prev|)). */
function stepError(low: Float32Array, high: Float32Array, prev: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < low.length; j++) {
    const delta = Math.max(ATOL, RTOL * Math.max(Math.abs(low[j]), Math.abs(prev[j])));
    sum += ((low[j] - high[j]) / delta) ** 2;
  }
  return Math.sqrt(sum) / Math.sqrt(low.length);
}

export const sampleDpmAdaptive: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const { tStart, tEnd } = sigmaRange(sigmas, 'dpm_adaptive');
  const order = opts.order ?? 3;
  if (order !== 2 && order !== 3) throw new RangeError(`dpm_adaptive: order must be 2 or 3, got ${order}`);
  const eta = opts.eta ?? 0;
  const pid = { h: H_INIT };
  let x = copy(x0);
  let xPrev = x;
  let s = tStart;
  for (let attempt = 0; s < f(tEnd - 1e-5); attempt++) {
    const t = Math.min(tEnd, f(s + pid.h));
    const { tTo, sigmaUp } = ancestralTarget(s, t, tEnd, eta);
    const eps = cachedEps(denoise);
    const e = yield* eps('eps', x, s);
    notify(
      opts.callback,
      attempt,
      sigmaOfT(s),
      sigmaOfT(s),
      x,
      lincomb([
        [1, x],
        [-sigmaOfT(s), e],
      ]),
    );
    const low = order === 2 ? yield* dpmSolverStep(1, eps, x, s, tTo) : yield* dpmSolverStep(2, eps, x, s, tTo, 1 / 3);
    const high = yield* dpmSolverStep(order, eps, x, s, tTo);
    if (proposeStep(pid, stepError(low, high, xPrev), eta ? 1.5 : order)) {
      xPrev = low;
      x = addNoise(high, sigmaUp * (opts.sNoise ?? 1), opts, 'dpm_adaptive', sigmaOfT(s), sigmaOfT(t));
      s = t;
    }
  }
  return x;
};
