// The k-diffusion view of a model (Karras et al. 2022): samplers see only a denoiser D(x, σ) that
// returns the estimate of x0 for a sample x at noise level σ, so a sampler is a short function over
// arrays and a closed-form stand-in model tests it. Sources: crowsonkb/k-diffusion `sampling.py`,
// comfyanonymous/ComfyUI `comfy/k_diffusion/sampling.py`.

/** x0 estimate for sample `x` (C order, float32) at noise level `sigma`. May return a buffer it
 * reuses on the next call: a sampler copies what it keeps. */
export type Denoiser = (x: Float32Array, sigma: number) => Float32Array;

/** A model call a sampler asks for. */
export interface ModelRequest {
  readonly x: Float32Array;
  readonly sigma: number;
}

/** A sampler at work: it yields each model call and resumes with D(x, σ). Whoever drives it decides how
 * the model runs (runWith: a Denoiser at once; the engine: the UNet, awaited between two resumptions),
 * so a sampler reads as k-diffusion's and still never blocks a thread on the model. */
export type Sampling<T> = Generator<ModelRequest, T, Float32Array>;

/** D(x, σ) as a sampler calls it: `const x0 = yield* denoise(x, σ)`. Inpainting wraps it (changes x
 * before the call and x̂0 after); askModel is the call itself. */
export type ModelStep = (x: Float32Array, sigma: number) => Sampling<Float32Array>;

export function* askModel(x: Float32Array, sigma: number): Sampling<Float32Array> {
  return yield { x, sigma };
}

/** Drives a sampling to its end with `denoise` answering each call. */
export function runWith<T>(sampling: Sampling<T>, denoise: Denoiser): T {
  let next = sampling.next();
  while (!next.done) next = sampling.next(denoise(next.value.x, next.value.sigma));
  return next.value;
}

/** Gaussian noise for the step from σ to σ_next, as the tool being matched draws it (a seeded
 * generator per call in ComfyUI, a Brownian tree for SDE samplers): `out` filled, or the sampler's own
 * array of out's length, which keeps its values until the sampler's next call. */
export type NoiseSampler = ((sigma: number, sigmaNext: number, out: Float32Array) => Float32Array) & {
  /** Works out ahead the noise for σ → σ_next, which a later call then returns from memory: the
   * Brownian tree's, a pure function of the query, or an ancestral sampler's next draw. */
  prefetch?: (sigma: number, sigmaNext: number) => void;
};

/** Called after every step with the step index, σ, and the current x and x0 estimate (for previews): arrays
 * the sampler goes on to write over, so a callback copies what it keeps. */
export type StepCallback = (info: {
  i: number;
  sigma: number;
  sigmaHat: number;
  x: Float32Array;
  denoised: Float32Array;
}) => void;

/** Options of the tool-exact samplers, named as k-diffusion's keyword arguments; each sampler reads
 * the ones its original takes and ignores the rest. */
export interface SamplerOptions {
  /** Required by every sampler that adds noise (ancestral, SDE, churn, DDPM, LCM, Restart). */
  readonly noiseSampler?: NoiseSampler;
  readonly callback?: StepCallback;
  /** Ancestral/SDE noise amount (k-diffusion default 1; DDIM's η, default 0). */
  readonly eta?: number;
  /** Multiplier on the added noise (default 1). */
  readonly sNoise?: number;
  /** Karras et al. 2022 Algorithm 2 churn for euler, heun, dpm_2 (default 0: off). */
  readonly sChurn?: number;
  readonly sTmin?: number;
  readonly sTmax?: number;
  /** lms order (default 4), ipndm max_order (4), deis max_order (3). */
  readonly order?: number;
  /** dpmpp_2m_sde's second-order correction (default 'midpoint'). */
  readonly solverType?: 'midpoint' | 'heun';
  /** dpmpp_sde's intermediate point in log σ (default 1/2). */
  readonly r?: number;
  /** A1111's UniPC only: the model's ᾱ (float32, as the model holds it), which its discrete VP schedule and
   * UNet times come from. */
  readonly alphasCumprod?: ArrayLike<number>;
}

/** A k-diffusion sampler: walks x from σ₀ down the schedule `sigmas` (descending, usually ending at
 * 0) and returns the final sample. `x` is not modified. */
export type KSampler = (
  denoise: ModelStep,
  x: Float32Array,
  sigmas: ArrayLike<number>,
  opts?: SamplerOptions,
) => Sampling<Float32Array>;
