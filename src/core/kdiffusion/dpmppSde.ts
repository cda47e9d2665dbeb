// DPM-Solver++ (stochastic), k-diffusion sample_dpmpp_sde: a second-order singlestep SDE step through
// λ_s1 = λ_s + r·h (λ = −log σ), with ancestral noise at the midpoint and at the end. Follows ComfyUI
// (x0 estimate on the step to σ = 0, no noise when η or s_noise is 0); A1111's pinned k-diffusion takes
// an Euler step to 0 (the same value to rounding). For ε/v models ComfyUI's α factors are 1.
// The tools feed it a Brownian-tree noise sampler; pass one that reproduces the tool's.
import type { KSampler } from './denoiser';
import { addNoise, ancestralStep, copy, lincomb, notify } from './stepMath';

export const sampleDpmppSde: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const r = opts.r ?? 0.5;
  const noisy = eta > 0 && sNoise > 0;
  // x is stepped in place; x̂0 (read again after the midpoint's call) and the midpoint in arrays of the run's.
  const x = copy(x0);
  const [kept, x2] = [new Float32Array(x.length), new Float32Array(x.length)];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i];
    const denoised = copy(yield* denoise(x, sigma), kept);
    notify(opts.callback, i, sigma, sigma, x, denoised);
    if (sigmas[i + 1] === 0) {
      x.set(denoised);
      continue;
    }
    const lambdaS = -Math.log(sigma);
    const h = -Math.log(sigmas[i + 1]) - lambdaS;
    const sigmaS1 = Math.exp(-(lambdaS + r * h));
    // Step 1: ancestral DPM-Solver-1 to σ_s1.
    const s1 = ancestralStep(sigma, sigmaS1, eta);
    const h1 = -Math.log(s1.sigmaDown) - lambdaS;
    lincomb(
      [
        [Math.exp(-h1), x],
        [-Math.expm1(-h1), denoised],
      ],
      x2,
    );
    if (noisy) addNoise(x2, sNoise * s1.sigmaUp, opts, 'dpmpp_sde', sigma, sigmaS1, x2);
    const denoised2 = yield* denoise(x2, sigmaS1);
    // Step 2: to σ_next with the blended estimate.
    const fac = 1 / (2 * r);
    const s2 = ancestralStep(sigma, sigmas[i + 1], eta);
    const h2 = -Math.log(s2.sigmaDown) - lambdaS;
    const k = -Math.expm1(-h2);
    lincomb(
      [
        [Math.exp(-h2), x],
        [k * (1 - fac), denoised],
        [k * fac, denoised2],
      ],
      x,
    );
    if (noisy) addNoise(x, sNoise * s2.sigmaUp, opts, 'dpmpp_sde', sigma, sigmas[i + 1], x);
  }
  return x;
};
