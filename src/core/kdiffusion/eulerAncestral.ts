// Ancestral Euler: step to σ_down, then add σ_up of fresh noise (k-diffusion
// sample_euler_ancestral). Follows ComfyUI, which returns the x0 estimate when σ_down = 0; upstream
// (A1111) takes the Euler step to 0 instead, the same value up to float rounding.
import type { KSampler } from './denoiser';
import { ancestralStep, copy, eulerAncestralStep, notify } from './stepMath';

export const sampleEulerAncestral: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  // x is the sampler's own, stepped in place; x̂0 is read before the next model call, so not copied.
  const x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = yield* denoise(x, sigmas[i]);
    const { sigmaDown, sigmaUp } = ancestralStep(sigmas[i], sigmas[i + 1], eta);
    notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
    if (sigmaDown === 0) {
      x.set(denoised);
      continue;
    }
    const noise = { opts, sampler: 'euler_ancestral', sigma: sigmas[i], sigmaNext: sigmas[i + 1] };
    eulerAncestralStep(x, denoised, sigmaDown, sNoise * sigmaUp, noise);
  }
  return x;
};
