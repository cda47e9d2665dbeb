import { f32 } from './float32';

/** k-diffusion's noise level σ_t = √((1 − ᾱ_t)/ᾱ_t) per training timestep (Karras et al. 2022, EDM,
 * σ-parametrisation of a variance-preserving schedule), in float32 as diffusers computes it.
 * ᾱ = 0 (zero terminal SNR) gives Infinity. */
export function sigmasFromAlphasCumprod(alphasCumprod: ArrayLike<number>): Float64Array {
  return Float64Array.from(alphasCumprod, (a) => f32(Math.sqrt(f32(f32(1 - a) / a))));
}

/** Signal-to-noise ratio ᾱ/(1 − ᾱ) = 1/σ² (Kingma et al. 2021, Variational Diffusion Models), in float64. */
export function snr(alphaCumprod: number): number {
  return alphaCumprod / (1 - alphaCumprod);
}

/** Natural log of the SNR, λ = log ᾱ − log(1 − ᾱ) = −2 log σ (DPM-Solver's 2λ); −Infinity at zero SNR. */
export function logSnr(alphaCumprod: number): number {
  return Math.log(alphaCumprod) - Math.log1p(-alphaCumprod);
}
