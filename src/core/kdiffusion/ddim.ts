// DDIM (Song et al. 2021, eq. 12) in k-diffusion's σ space, as A1111 1.10 runs "DDIM"
// (modules/sd_samplers_timesteps_impl.py ddim): A1111 steps ε-space x_t = √ᾱ·x0 + √(1−ᾱ)·ε over the
// timesteps of its DDIM schedule; dividing by √ᾱ turns that into x ↦ x0 + σ_down·ε + σ_up·z with
// σ_up = s/√ᾱ', s = η·√((1−ᾱ')/(1−ᾱ)·(1−ᾱ/ᾱ')) and σ_down² = σ'² − σ_up², ᾱ = 1/(1+σ²). η = 0 (A1111's
// default) is exactly Euler, which is also what ComfyUI's "ddim" runs. A1111 starts from noise·√(1+σ₀²)
// in this scale and decodes x/√(1+σ_last²); see toolSamplers' latent scales.
import type { KSampler } from './denoiser';
import { addNoise, copy, lincomb, notify } from './stepMath';

export const sampleDdim: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const eta = opts.eta ?? 0;
  // x is stepped in place; x̂0 is read before the next model call, so not copied.
  const x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i];
    const next = sigmas[i + 1];
    const denoised = yield* denoise(x, sigma);
    notify(opts.callback, i, sigma, sigma, x, denoised);
    const a = 1 / (1 + sigma * sigma);
    const aPrev = 1 / (1 + next * next);
    const s = eta * Math.sqrt(((1 - aPrev) / (1 - a)) * (1 - a / aPrev));
    const down = Math.sqrt(Math.max(0, (1 - aPrev - s * s) / aPrev));
    // x0 + σ_down·ε with ε = (x − x0)/σ
    lincomb(
      [
        [down / sigma, x],
        [1 - down / sigma, denoised],
      ],
      x,
    );
    addNoise(x, s / Math.sqrt(aPrev), opts, 'ddim', sigma, next, x);
  }
  return x;
};
