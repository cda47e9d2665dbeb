// Helpers shared by the k-diffusion samplers (crowsonkb/k-diffusion `sampling.py`: to_d,
// get_ancestral_step; Karras et al. 2022 Algorithm 2 churn). Arrays are float32 as in the tools; each
// expression is evaluated in float64 and rounded once when stored.
import type { NoiseSampler, SamplerOptions, StepCallback } from './denoiser';
import { eulerAncestralInto, lincombInto } from './stepMathKernel';

/** Σ coefᵢ·arrᵢ elementwise, summed from 0 in the terms' order (stepMath.wat), into `out` (which may be one of
 * the terms: a sampler stepping its x in place) or a new array. */
export function lincomb(terms: readonly (readonly [number, Float32Array])[], out?: Float32Array): Float32Array {
  const coefs = terms.map(([c]) => c);
  const arrays = terms.map(([, a]) => a);
  return lincombInto(coefs, arrays, out ?? new Float32Array(arrays[0].length));
}

/** x·k elementwise into `out` or a new array (lincomb's pass: a product rounded once, but 0 for −0). */
export function timesEach(x: Float32Array, k: number, out?: Float32Array): Float32Array {
  return lincomb([[k, x]], out);
}

/** x/k elementwise into a new array (a division, as the tools divide, not a product with 1/k). */
export function overEach(x: ArrayLike<number>, k: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let j = 0; j < out.length; j++) out[j] = x[j] / k;
  return out;
}

/** The Karras ODE derivative d = (x − D(x, σ))/σ, into `out` or a new array. */
export function toD(x: Float32Array, sigma: number, denoised: Float32Array, out?: Float32Array): Float32Array {
  return lincomb(
    [
      [1 / sigma, x],
      [-1 / sigma, denoised],
    ],
    out,
  );
}

/** σ_down to step to and σ_up of fresh noise for an ancestral step from σ_from to σ_to (k-diffusion
 * get_ancestral_step); η = 0 gives (σ_to, 0). Evaluated in float32 op by op as the tools do on their σ
 * tensors: σ_to² − σ_up² cancels badly on a big step, and the tools step to that rounded σ_down. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number, eta = 1): { sigmaDown: number; sigmaUp: number } {
  if (!eta) return { sigmaDown: sigmaTo, sigmaUp: 0 };
  const f = Math.fround;
  const from2 = f(sigmaFrom * sigmaFrom);
  const to2 = f(sigmaTo * sigmaTo);
  const up = Math.min(f(sigmaTo), f(eta * f(Math.sqrt(f(f(to2 * f(from2 - to2)) / from2)))));
  return { sigmaDown: f(Math.sqrt(f(to2 - f(up * up)))), sigmaUp: up };
}

/** opts.noiseSampler, or a clear error naming the sampler that needs it. */
function needNoise(opts: SamplerOptions, sampler: string): NoiseSampler {
  if (!opts.noiseSampler) throw new Error(`${sampler}: this sampler adds noise; pass opts.noiseSampler`);
  return opts.noiseSampler;
}

/** One array for every draw: each step adds its noise before it draws again. */
let noiseBuffer = new Float32Array(0);

/** Draws noise for the step σ → σ_next, as long as `like`; valid until the next draw. */
function drawNoise(noise: NoiseSampler, sigma: number, sigmaNext: number, like: ArrayLike<number>): Float32Array {
  if (noiseBuffer.length !== like.length) noiseBuffer = new Float32Array(like.length);
  return noise(sigma, sigmaNext, noiseBuffer);
}

/** Copies x so a sampler never writes into its caller's (or the denoiser's reused) buffer: into `into`, an
 * array of the sampler's that it no longer needs, or a new one. */
export function copy(x: ArrayLike<number>, into?: Float32Array): Float32Array {
  if (!into) return Float32Array.from(x);
  into.set(x);
  return into;
}

export function notify(
  cb: StepCallback | undefined,
  i: number,
  sigma: number,
  sigmaHat: number,
  x: Float32Array,
  denoised: Float32Array,
): void {
  cb?.({ i, sigma, sigmaHat, x, denoised });
}

/** Karras et al. 2022 Algorithm 2 churn (euler, heun, dpm_2): raises σ_i to σ̂ = σ_i(1 + γ) and adds
 * the matching noise to x, in place; returns σ̂. γ = min(s_churn/N, √2 − 1) inside [s_tmin, s_tmax], else 0. */
export function churn(
  x: Float32Array,
  sigmas: ArrayLike<number>,
  i: number,
  opts: SamplerOptions,
  sampler: string,
): number {
  const sChurn = opts.sChurn ?? 0;
  const sigma = sigmas[i];
  if (!(sChurn > 0)) return sigma;
  const inRange = (opts.sTmin ?? 0) <= sigma && sigma <= (opts.sTmax ?? Infinity);
  const gamma = inRange ? Math.min(sChurn / (sigmas.length - 1), Math.SQRT2 - 1) : 0;
  const sigmaHat = sigma * (gamma + 1);
  if (gamma <= 0) return sigmaHat;
  const eps = drawNoise(needNoise(opts, sampler), sigma, sigmaHat, x);
  const scale = (opts.sNoise ?? 1) * Math.sqrt(sigmaHat ** 2 - sigma ** 2);
  lincomb(
    [
      [1, x],
      [scale, eps],
    ],
    x,
  );
  return sigmaHat;
}

/** x + coef·noise(σ, σ_next), into `out` (x itself, for a sampler stepping in place) or a new array. The
 * noise is drawn whenever a sampler is given, even when coef = 0 (η = 0), because the tools draw it then too
 * and the seeded stream must stay aligned; without a sampler a zero coef is fine and anything else is an
 * error. */
export function addNoise(
  x: Float32Array,
  coef: number,
  opts: SamplerOptions,
  sampler: string,
  sigma: number,
  sigmaNext: number,
  out?: Float32Array,
): Float32Array {
  const noise = stepNoise(x, coef, { opts, sampler, sigma, sigmaNext });
  if (!noise) return x;
  return lincomb(
    [
      [1, x],
      [coef, noise],
    ],
    out,
  );
}

/** Where a step's noise comes from: the sampler's options, its name for errors, and the step σ → σ_next. */
export interface StepNoise {
  opts: SamplerOptions;
  sampler: string;
  sigma: number;
  sigmaNext: number;
}

/** The noise addNoise adds to x, or undefined where it adds none (a zero coef and no sampler). */
function stepNoise(x: Float32Array, coef: number, at: StepNoise): Float32Array | undefined {
  if (coef === 0 && !at.opts.noiseSampler) return undefined;
  return drawNoise(needNoise(at.opts, at.sampler), at.sigma, at.sigmaNext, x);
}

/** An ancestral Euler step in one pass, written over x: d = toD(x, σ, x̂0), x + (σ_down − σ)·d, then
 * addNoise's coef·noise, each value rounded where toD, lincomb and addNoise store it, so the same bits with
 * no new array (Euler a is the tools' most used sampler; stepMath.wat). σ is the step's, `at.sigma`. */
export function eulerAncestralStep(
  x: Float32Array,
  denoised: Float32Array,
  sigmaDown: number,
  coef: number,
  at: StepNoise,
): Float32Array {
  const noise = stepNoise(x, coef, at);
  const sigma = at.sigma;
  const coefs = [1 / sigma, -1 / sigma, sigmaDown - sigma, coef] as const;
  return eulerAncestralInto(x, denoised, noise, coefs, x);
}

/** Adams–Bashforth weights of the current slope and 1..3 earlier ones, by order (iPNDM, PLMS). */
export const ADAMS_BASHFORTH: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24],
];
