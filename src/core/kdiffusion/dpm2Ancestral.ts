// Ancestral DPM-Solver-2 (k-diffusion sample_dpm_2_ancestral; ComfyUI and A1111 run the same code):
// the DPM-2 step to σ_down, then σ_up of fresh noise. Both tools drop the next-to-last σ for it.
import type { KSampler } from './denoiser';
import { midpointArrays, midpointStep } from './dpm2';
import { addNoise, ancestralStep, copy, notify, toD } from './stepMath';

export const sampleDpm2Ancestral: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const sNoise = opts.sNoise ?? 1;
  // x is stepped in place; x̂0 is read before the next model call, so not copied.
  const x = copy(x0);
  const arrays = midpointArrays(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = yield* denoise(x, sigmas[i]);
    const { sigmaDown, sigmaUp } = ancestralStep(sigmas[i], sigmas[i + 1], opts.eta ?? 1);
    notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
    toD(x, sigmas[i], denoised, arrays.d);
    yield* midpointStep(denoise, x, sigmas[i], sigmaDown, arrays);
    // Noise only after a DPM-2 step: the σ_down = 0 branch of the original adds none.
    if (sigmaDown !== 0) addNoise(x, sNoise * sigmaUp, opts, 'dpm_2_ancestral', sigmas[i], sigmas[i + 1], x);
  }
  return x;
};
