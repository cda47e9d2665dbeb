// Heun steps, Karras et al. 2022 Algorithm 2 (k-diffusion sample_heun; ComfyUI and A1111 run the same
// code): two model calls per step, one (Euler) on the step to σ = 0.
import type { KSampler } from './denoiser';
import { churn, copy, lincomb, notify, toD } from './stepMath';

export const sampleHeun: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  // x (the sampler's own, or churn's new array) is stepped in place, the slopes and the Euler point in arrays
  // of the run's; x̂0 is read before the next model call, so not copied.
  let x = copy(x0);
  const [d, x2, d2] = [new Float32Array(x.length), new Float32Array(x.length), new Float32Array(x.length)];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const c = churn(x, sigmas, i, opts, 'heun');
    x = c.x;
    const denoised = yield* denoise(x, c.sigmaHat);
    toD(x, c.sigmaHat, denoised, d);
    notify(opts.callback, i, sigmas[i], c.sigmaHat, x, denoised);
    const next = sigmas[i + 1];
    const dt = next - c.sigmaHat;
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
