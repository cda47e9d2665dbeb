// Euler steps, Karras et al. 2022 Algorithm 2 (k-diffusion sample_euler; ComfyUI and A1111 run the
// same code). With s_churn = 0 it is deterministic: one model call per step.
import type { KSampler } from './denoiser';
import { churn, copy, notify } from './stepMath';
import { eulerAncestralInto } from './stepMathKernel';

export const sampleEuler: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  // x, the sampler's own, is stepped in place (churn's noise too); x̂0 is read before the next model call.
  const x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigmaHat = churn(x, sigmas, i, opts, 'euler');
    const denoised = yield* denoise(x, sigmaHat);
    notify(opts.callback, i, sigmas[i], sigmaHat, x, denoised);
    // x + (σ_next − σ̂)·d with d = toD(x, σ̂, x̂0), each rounded where toD and lincomb store it: Euler a's pass
    // without noise.
    const s = sigmaHat;
    eulerAncestralInto(x, denoised, undefined, [1 / s, -1 / s, sigmas[i + 1] - s, 0], x);
  }
  return x;
};
