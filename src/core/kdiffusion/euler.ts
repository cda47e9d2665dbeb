// Euler steps, Karras et al. 2022 Algorithm 2 (k-diffusion sample_euler; ComfyUI and A1111 run the
// same code). With s_churn = 0 it is deterministic: one model call per step.
import type { KSampler } from './denoiser';
import { churn, copy, lincomb, notify, toD } from './stepMath';

export const sampleEuler: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  let x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const c = churn(x, sigmas, i, opts, 'euler');
    x = c.x;
    const denoised = copy(yield* denoise(x, c.sigmaHat));
    notify(opts.callback, i, sigmas[i], c.sigmaHat, x, denoised);
    x = lincomb([
      [1, x],
      [sigmas[i + 1] - c.sigmaHat, toD(x, c.sigmaHat, denoised)],
    ]);
  }
  return x;
};
