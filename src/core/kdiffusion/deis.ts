// DEIS multistep (Zhang & Chen 2023, arXiv:2204.13902), ComfyUI's sample_deis (deis_mode 'tab',
// max_order 3): x_{i+1} = x_i + Σ_j C_ij·d_{i−j} with the slopes d = (x − D)/σ and the coefficients of
// deisCoefficients; Euler on the first step and on the step to σ = 0. ComfyUI only.
import type { KSampler } from './denoiser';
import { deisCoefficients } from './deisCoefficients';
import { copy, lincomb, notify, toD } from './stepMath';

export const sampleDeis: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const maxOrder = opts.order ?? 3;
  const coeffs = deisCoefficients(sigmas, maxOrder);
  let x = copy(x0);
  const history: Float32Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = copy(yield* denoise(x, sigmas[i]));
    notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
    const d = toD(x, sigmas[i], denoised);
    const order = sigmas[i + 1] <= 0 ? 1 : Math.min(maxOrder, i + 1);
    if (order === 1) {
      x = lincomb([
        [1, x],
        [sigmas[i + 1] - sigmas[i], d],
      ]);
    } else {
      const slopes = [d, ...history.slice().reverse()];
      x = lincomb([[1, x], ...coeffs[i].map((c, k): [number, Float32Array] => [c, slopes[k]])]);
    }
    history.push(d);
    if (history.length > maxOrder - 1) history.shift();
  }
  return x;
};
