// Latent Consistency Model sampling (Luo et al. 2023, arXiv:2310.04378, Algorithm 1): jump to the x0
// estimate, then re-noise to σ_next (x0 + σ_next·z). ComfyUI's sample_lcm and A1111's "LCM" take the
// same steps; A1111 also swaps in its own LCM denoiser (50-step σ table, LCM boundary scalings), which
// belongs to the Denoiser, not here.
import type { KSampler } from './denoiser';
import { addNoise, copy, notify } from './stepMath';

export const sampleLcm: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  let x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = copy(yield* denoise(x, sigmas[i]));
    notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
    x = denoised;
    if (sigmas[i + 1] > 0) x = addNoise(x, sigmas[i + 1], opts, 'lcm', sigmas[i], sigmas[i + 1]);
  }
  return x;
};
