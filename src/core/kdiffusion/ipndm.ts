// Improved PNDM (Zhang & Chen 2023, DEIS paper §4, "iPNDM"): Adams–Bashforth on the Karras ODE slope
// with the classic 1/2, 1/12, 1/24 coefficients, warming up from Euler. ComfyUI's sample_ipndm (from
// zju-pi/diff-sampler); the step to σ = 0 returns the x0 estimate. ComfyUI only.
import type { KSampler } from './denoiser';
import { ADAMS_BASHFORTH, copy, lincomb, notify, toD } from './stepMath';


export const sampleIpndm: KSampler = (denoise, x0, sigmas, opts = {}) => {
  const maxOrder = opts.order ?? 4;
  let x = copy(x0);
  const history: Float32Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = copy(denoise(x, sigmas[i]));
    notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
    const d = toD(x, sigmas[i], denoised);
    const order = Math.min(maxOrder, i + 1);
    if (sigmas[i + 1] === 0) {
      x = denoised;
    } else {
      const dt = sigmas[i + 1] - sigmas[i];
      const slopes = [d, ...history.slice().reverse()].slice(0, order);
      x = lincomb([[1, x], ...slopes.map((s, k): [number, Float32Array] => [dt * ADAMS_BASHFORTH[order - 1][k], s])]);
    }
    history.push(d);
    if (history.length > maxOrder - 1) history.shift();
  }
  return x;
};
