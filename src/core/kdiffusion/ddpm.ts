// Ancestral DDPM steps (Ho et al. 2020, eq. 11) on the σ schedule, ComfyUI's sample_ddpm
// (generic_step_sampler + DDPMSampler_step): x is mapped to the variance-preserving scale x/√(1+σ²),
// stepped with ᾱ = 1/(1+σ²), and mapped back unless σ_next = 0. ComfyUI only.
import type { KSampler } from './denoiser';
import { addNoise, copy, lincomb, notify } from './stepMath';

export const sampleDdpm: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  let x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i];
    const next = sigmas[i + 1];
    const denoised = copy(yield* denoise(x, sigma));
    notify(opts.callback, i, sigma, sigma, x, denoised);
    const ac = 1 / (sigma * sigma + 1);
    const acPrev = 1 / (next * next + 1);
    const alpha = ac / acPrev;
    // μ = √(1/α)·(x_vp − (1 − α)·ε/√(1 − ᾱ)), ε = (x − D)/σ
    const epsCoef = (1 - alpha) / Math.sqrt(1 - ac) / sigma;
    const s = Math.sqrt(1 / alpha);
    let mu = lincomb([
      [s * (1 / Math.sqrt(1 + sigma * sigma) - epsCoef), x],
      [s * epsCoef, denoised],
    ]);
    if (next > 0) {
      const std = Math.sqrt(((1 - alpha) * (1 - acPrev)) / (1 - ac));
      mu = addNoise(mu, std, opts, 'ddpm', sigma, next);
      mu = lincomb([[Math.sqrt(1 + next * next), mu]]);
    }
    x = mu;
  }
  return x;
};
