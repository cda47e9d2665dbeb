// DPM-Solver-Fast (Lu et al. 2022, arXiv:2206.00927, §3.4), k-diffusion's DPMSolver.dpm_solver_fast as
// ComfyUI's "dpm_fast" and A1111's "DPM fast" run it: n model calls spread over ⌊n/3⌋ + 1 uniform steps in
// t = −log σ from σ_max to σ_min, third order but for the last one or two steps; the result stays at σ_min.
// σ_max is sigmas[0], σ_min the last σ above 0, n = sigmas.length − 1 (ComfyUI's reading of the schedule;
// for A1111, toolSigmas puts the model's σ range and the step count there).
// η > 0 (A1111 passes η = 1) makes the steps ancestral. Noise is drawn on every step, even at η = 0.
import { torchLinspaceF32 } from '../schedules/float32';
import type { KSampler } from './denoiser';
import { ancestralTarget, cachedEps, dpmSolverStep, sigmaOfT } from './dpmSolver';
import { addNoise, copy, lincomb, notify } from './stepMath';

/** σ_max, σ_min and the model-call budget a σ list stands for (ComfyUI's dpm_fast/dpm_adaptive wrappers). */
export function sigmaRange(sigmas: ArrayLike<number>, sampler: string): { tStart: number; tEnd: number; n: number } {
  const n = sigmas.length - 1;
  const sigmaMin = sigmas[n] > 0 ? sigmas[n] : sigmas[n - 1];
  if (!(n >= 1 && sigmaMin > 0)) throw new RangeError(`${sampler}: needs at least one step above σ = 0`);
  return { tStart: Math.fround(-Math.log(sigmas[0])), tEnd: Math.fround(-Math.log(sigmaMin)), n };
}

export const sampleDpmFast: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const { tStart, tEnd, n } = sigmaRange(sigmas, 'dpm_fast');
  const m = Math.floor(n / 3) + 1;
  const ts = torchLinspaceF32(tStart, tEnd, m + 1);
  const orders: (1 | 2 | 3)[] =
    n % 3 === 0 ? [...Array<3>(m - 2).fill(3), 2, 1] : [...Array<3>(m - 1).fill(3), (n % 3) as 1 | 2];
  let x = copy(x0);
  for (const [i, order] of orders.entries()) {
    const [t, tNext] = [ts[i], ts[i + 1]];
    const { tTo, sigmaUp } = ancestralTarget(t, tNext, tEnd, opts.eta ?? 0);
    const eps = cachedEps(denoise);
    const e = yield* eps('eps', x, t);
    notify(
      opts.callback,
      i,
      sigmaOfT(t),
      sigmaOfT(t),
      x,
      lincomb([
        [1, x],
        [-sigmaOfT(t), e],
      ]),
    );
    x = yield* dpmSolverStep(order, eps, x, t, tTo);
    x = addNoise(x, sigmaUp * (opts.sNoise ?? 1), opts, 'dpm_fast', sigmaOfT(t), sigmaOfT(tNext));
  }
  return x;
};
