// The noise level of a variance-preserving schedule at one point, in the forms the plots and the
// forward view show: q(x_t | x_0) = N(√ᾱ_t·x_0, (1 − ᾱ_t)·I) (Ho et al. 2020, eq. 4).
import { snr } from '../schedules/noiseLevels';
import { interpolateAt } from '../schedules/sigmaToTimestep';

export interface NoiseLevel {
  readonly alphaCumprod: number;
  /** k-diffusion's σ = √((1 − ᾱ)/ᾱ): x0 + σ·ε, scaled by √ᾱ, is x_t. Infinity at ᾱ = 0. */
  readonly sigma: number;
  /** √ᾱ and √(1 − ᾱ): the weights of x0 and ε in x_t. */
  readonly signal: number;
  readonly noise: number;
  /** ᾱ/(1 − ᾱ) = 1/σ². */
  readonly snr: number;
}

export function noiseLevel(alphaCumprod: number): NoiseLevel {
  if (!(alphaCumprod >= 0 && alphaCumprod <= 1)) throw new RangeError(`ᾱ must be in [0, 1] (got ${alphaCumprod})`);
  return {
    alphaCumprod,
    sigma: Math.sqrt((1 - alphaCumprod) / alphaCumprod),
    signal: Math.sqrt(alphaCumprod),
    noise: Math.sqrt(1 - alphaCumprod),
    snr: snr(alphaCumprod),
  };
}

/** The level a σ schedule's step has: x0 + σ·ε is √(1+σ²) times x_t at ᾱ = 1/(1 + σ²). */
export function noiseLevelOfSigma(sigma: number): NoiseLevel {
  if (!(sigma >= 0)) throw new RangeError(`σ must be ≥ 0 (got ${sigma})`);
  return noiseLevel(1 / (1 + sigma * sigma));
}

/** The level at training timestep t of ᾱ; a fractional t (σ schedules visit those) interpolates σ
 * linearly between the neighbouring timesteps, as diffusers' set_timesteps does. */
export function noiseLevelAt(alphasCumprod: ArrayLike<number>, t: number): NoiseLevel {
  const T = alphasCumprod.length;
  if (!(t >= 0 && t <= T - 1)) throw new RangeError(`timestep ${t} is outside the training range 0..${T - 1}`);
  if (Number.isInteger(t)) return noiseLevel(alphasCumprod[t]);
  const lo = Math.floor(t);
  const sigmas = [lo, lo + 1].map((i) => Math.sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]));
  return noiseLevelOfSigma(interpolateAt(t - lo, sigmas));
}
