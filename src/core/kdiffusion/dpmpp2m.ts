// DPM-Solver++(2M), Lu et al. 2022 (arXiv:2211.01095) Algorithm 2 in k-diffusion's form
// (sample_dpmpp_2m; ComfyUI and A1111 run the same code). t = −log σ; first-order on the first step and
// on the step to σ = 0, where it returns the x0 estimate.
import type { KSampler } from './denoiser';
import { copy, lincomb, notify } from './stepMath';

export const sampleDpmpp2m: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  // x is stepped in place, and x̂0 copied into whichever of two arrays does not hold the step before's.
  const x = copy(x0);
  let old: Float32Array | undefined;
  let spare: Float32Array | undefined;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = copy(yield* denoise(x, sigmas[i]), spare);
    notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
    const h = Math.log(sigmas[i]) - Math.log(sigmas[i + 1]);
    const ratio = sigmas[i + 1] / sigmas[i];
    const k = -Math.expm1(-h);
    if (!old || sigmas[i + 1] === 0) {
      lincomb(
        [
          [ratio, x],
          [k, denoised],
        ],
        x,
      );
    } else {
      const r = (Math.log(sigmas[i - 1]) - Math.log(sigmas[i])) / h;
      lincomb(
        [
          [ratio, x],
          [k * (1 + 1 / (2 * r)), denoised],
          [-k / (2 * r), old],
        ],
        x,
      );
    }
    [old, spare] = [denoised, old];
  }
  return x;
};
