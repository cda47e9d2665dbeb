// Heun steps, Karras et al. 2022 Algorithm 2 (k-diffusion sample_heun; ComfyUI and A1111 run the same
// code): two model calls per step, one (Euler) on the step to σ = 0.
import type { KSampler } from './denoiser';
import { churn, copy, lincomb, notify, toD } from './stepMath';

export const sampleHeun: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  let x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const c = churn(x, sigmas, i, opts, 'heun');
    x = c.x;
    const denoised = copy(yield* denoise(x, c.sigmaHat));
    const d = toD(x, c.sigmaHat, denoised);
    notify(opts.callback, i, sigmas[i], c.sigmaHat, x, denoised);
    const next = sigmas[i + 1];
    const dt = next - c.sigmaHat;
    if (next === 0) {
      x = lincomb([
        [1, x],
        [dt, d],
      ]);
      continue;
    }
    const x2 = lincomb([
      [1, x],
      [dt, d],
    ]);
    const d2 = toD(x2, next, yield* denoise(x2, next));
    x = lincomb([
      [1, x],
      [dt / 2, d],
      [dt / 2, d2],
    ]);
  }
  return x;
};
