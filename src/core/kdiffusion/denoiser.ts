// The k-diffusion view of a model (Karras et al. 2022): samplers see only a denoiser D(x, σ) that
// returns the estimate of x0 for a sample x at noise level σ, so a sampler is a short function over
// arrays and a closed-form stand-in model tests it. Sources: crowsonkb/k-diffusion `sampling.py`,
// comfyanonymous/ComfyUI `comfy/k_diffusion/sampling.py`.

/** x0 estimate for sample `x` (C order, float32) at noise level `sigma`. May return a buffer it
 * reuses on the next call: a sampler copies what it keeps. */
export type Denoiser = (x: Float32Array, sigma: number) => Float32Array;

/** Gaussian noise for the step from σ to σ_next, as the tool being matched draws it (a seeded
 * generator per call in ComfyUI, a Brownian tree for SDE samplers). Written into `out`. */
export type NoiseSampler = (sigma: number, sigmaNext: number, out: Float32Array) => Float32Array;

/** Called after every step with the step index, σ, and the current x and x0 estimate (for previews). */
export type StepCallback = (info: { i: number; sigma: number; sigmaHat: number; x: Float32Array; denoised: Float32Array }) => void;
