// DPM-Solver-2 flavoured Karras sampler (k-diffusion sample_dpm_2; ComfyUI and A1111 run the same
// code): Euler to the log-midpoint σ_mid = √(σ̂·σ_next), re-evaluate there, then take the whole step
// with that slope. Euler on the step to σ = 0. Both tools drop the next-to-last σ for it.
import type { KSampler, ModelStep, Sampling } from './denoiser';
import { churn, copy, lincomb, notify, toD } from './stepMath';

export const sampleDpm2: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  // x, the sampler's own, is stepped in place (churn's noise too); x̂0 is read before the next model call.
  const x = copy(x0);
  const arrays = midpointArrays(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigmaHat = churn(x, sigmas, i, opts, 'dpm_2');
    const denoised = yield* denoise(x, sigmaHat);
    toD(x, sigmaHat, denoised, arrays.d);
    notify(opts.callback, i, sigmas[i], sigmaHat, x, denoised);
    yield* midpointStep(denoise, x, sigmaHat, sigmas[i + 1], arrays);
  }
  return x;
};

/** The slope at σ (filled by the caller), the midpoint and its slope: arrays a run's steps reuse. */
export interface MidpointArrays {
  d: Float32Array;
  x2: Float32Array;
  d2: Float32Array;
}

export const midpointArrays = (n: number): MidpointArrays => ({
  d: new Float32Array(n),
  x2: new Float32Array(n),
  d2: new Float32Array(n),
});

/** One DPM-Solver-2 step of x, in place, from σ to σ_to given the slope `a.d` at σ (Euler when σ_to = 0);
 * shared with the ancestral variant. */
export function* midpointStep(
  denoise: ModelStep,
  x: Float32Array,
  sigma: number,
  sigmaTo: number,
  a: MidpointArrays,
): Sampling<void> {
  if (sigmaTo === 0) {
    lincomb(
      [
        [1, x],
        [-sigma, a.d],
      ],
      x,
    );
    return;
  }
  const sigmaMid = Math.exp((Math.log(sigma) + Math.log(sigmaTo)) / 2);
  lincomb(
    [
      [1, x],
      [sigmaMid - sigma, a.d],
    ],
    a.x2,
  );
  toD(a.x2, sigmaMid, yield* denoise(a.x2, sigmaMid), a.d2);
  lincomb(
    [
      [1, x],
      [sigmaTo - sigma, a.d2],
    ],
    x,
  );
}
