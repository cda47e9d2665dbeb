// Ancestral DPM-Solver++(2S), Lu et al. 2022 (arXiv:2211.01095) singlestep order 2 with r = 1/2, then σ_up
// of fresh noise (k-diffusion sample_dpmpp_2s_ancestral; ComfyUI and A1111 run the same code). Euler on
// the step where σ_down = 0.
import type { KSampler } from './denoiser';
import { addNoise, ancestralStep, copy, lincomb, notify, toD } from './stepMath';

export const sampleDpmpp2sAncestral: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const sNoise = opts.sNoise ?? 1;
  let x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i];
    const denoised = copy(yield* denoise(x, sigma));
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmas[i + 1], opts.eta ?? 1);
    notify(opts.callback, i, sigma, sigma, x, denoised);
    if (sigmaDown === 0) {
      x = lincomb([
        [1, x],
        [-sigma, toD(x, sigma, denoised)],
      ]);
    } else {
      const h = Math.log(sigma) - Math.log(sigmaDown);
      const sigmaS = Math.exp(-(-Math.log(sigma) + h / 2));
      const x2 = lincomb([
        [sigmaS / sigma, x],
        [-Math.expm1(-h / 2), denoised],
      ]);
      const denoised2 = yield* denoise(x2, sigmaS);
      x = lincomb([
        [sigmaDown / sigma, x],
        [-Math.expm1(-h), denoised2],
      ]);
    }
    if (sigmas[i + 1] > 0) x = addNoise(x, sNoise * sigmaUp, opts, 'dpmpp_2s_ancestral', sigma, sigmas[i + 1]);
  }
  return x;
};
