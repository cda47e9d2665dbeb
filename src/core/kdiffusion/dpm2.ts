// DPM-Solver-2 flavoured Karras sampler (k-diffusion sample_dpm_2; ComfyUI and A1111 run the same
// code): Euler to the log-midpoint σ_mid = √(σ̂·σ_next), re-evaluate there, then take the whole step
// with that slope. Euler on the step to σ = 0. Both tools drop the next-to-last σ for it.
import type { KSampler, ModelStep, Sampling } from './denoiser';
import { churn, copy, lincomb, notify, toD } from './stepMath';

export const sampleDpm2: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  let x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const c = churn(x, sigmas, i, opts, 'dpm_2');
    x = c.x;
    const denoised = copy(yield* denoise(x, c.sigmaHat));
    const d = toD(x, c.sigmaHat, denoised);
    notify(opts.callback, i, sigmas[i], c.sigmaHat, x, denoised);
    x = yield* midpointStep(denoise, x, d, c.sigmaHat, sigmas[i + 1]);
  }
  return x;
};

/** One DPM-Solver-2 step from σ to σ_to given the slope d at σ (Euler when σ_to = 0); shared with
 * the ancestral variant. */
export function* midpointStep(
  denoise: ModelStep,
  x: Float32Array,
  d: Float32Array,
  sigma: number,
  sigmaTo: number,
): Sampling<Float32Array> {
  if (sigmaTo === 0)
    return lincomb([
      [1, x],
      [-sigma, d],
    ]);
  const sigmaMid = Math.exp((Math.log(sigma) + Math.log(sigmaTo)) / 2);
  const x2 = lincomb([
    [1, x],
    [sigmaMid - sigma, d],
  ]);
  const d2 = toD(x2, sigmaMid, yield* denoise(x2, sigmaMid));
  return lincomb([
    [1, x],
    [sigmaTo - sigma, d2],
  ]);
}
