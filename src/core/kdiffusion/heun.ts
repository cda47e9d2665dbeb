// Heun steps, Karras et al. 2022 Algorithm 2 (k-diffusion sample_heun; ComfyUI and A1111 run the same
// code): two model calls per step, one (Euler) on the step to σ = 0.
import type { KSampler } from './denoiser';
import { churn, copy, lincomb, notify, toD } from './stepMath';

export const sampleHeun: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  // x, the sampler's own, is stepped in place (churn's noise too), the slopes and the Euler point in arrays
  // of the run's; x̂0 is read before the next model call, so not copied.
  const x = copy(x0);
  const [d, x2, d2] = [new Float32Array(x.length), new Float32Array(x.length), new Float32Array(x.length)];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigmaHat = churn(x, sigmas, i, opts, 'heun');
    const denoised = yield* denoise(x, sigmaHat);
    toD(x, sigmaHat, denoised, d);
    notify(opts.callback, i, sigmas[i], sigmaHat, x, denoised);
    const next = sigmas[i + 1];
    const dt = next - sigmaHat;
    const euler: [number, Float32Array][] = [
      [1, x],
      [dt, d],
    ];
    if (next === 0) {
      lincomb(euler, x);
      continue;
    }
    lincomb(euler, x2);
    toD(x2, next, yield* denoise(x2, next), d2);
    lincomb(
      [
        [1, x],
        [dt / 2, d],
        [dt / 2, d2],
      ],
      x,
    );
  }
  return x;
};
