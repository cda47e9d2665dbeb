// Ancestral DPM-Solver++(2S), Lu et al. 2022 (arXiv:2211.01095) singlestep order 2 with r = 1/2, then σ_up
// of fresh noise (k-diffusion sample_dpmpp_2s_ancestral; ComfyUI and A1111 run the same code). Euler on
// the step where σ_down = 0.
import type { KSampler } from './denoiser';
import { addNoise, ancestralStep, copy, lincomb, notify, toD } from './stepMath';

export const sampleDpmpp2sAncestral: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const sNoise = opts.sNoise ?? 1;
  // x is stepped in place and the midpoint kept in an array of the run's; x̂0 is read before the next model
  // call, so not copied.
  const x = copy(x0);
  const x2 = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i];
    const denoised = yield* denoise(x, sigma);
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmas[i + 1], opts.eta ?? 1);
    notify(opts.callback, i, sigma, sigma, x, denoised);
    if (sigmaDown === 0) {
      lincomb(
        [
          [1, x],
          [-sigma, toD(x, sigma, denoised, x2)],
        ],
        x,
      );
    } else {
      const h = Math.log(sigma) - Math.log(sigmaDown);
      const sigmaS = Math.exp(-(-Math.log(sigma) + h / 2));
      lincomb(
        [
          [sigmaS / sigma, x],
          [-Math.expm1(-h / 2), denoised],
        ],
        x2,
      );
      const denoised2 = yield* denoise(x2, sigmaS);
      lincomb(
        [
          [sigmaDown / sigma, x],
          [-Math.expm1(-h), denoised2],
        ],
        x,
      );
    }
    if (sigmas[i + 1] > 0) addNoise(x, sNoise * sigmaUp, opts, 'dpmpp_2s_ancestral', sigma, sigmas[i + 1], x);
  }
  return x;
};
