import { numpyLinspace } from './float32';
import { betaQuantile } from './betaQuantile';

/** Karras et al. 2022 (EDM), eq. 5: σ_i = (σmax^(1/ρ) + i/(N−1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ, i = 0..N−1,
 * descending, without the final 0. ρ = 7 as in the paper and diffusers. Float64, as diffusers computes it
 * before its float32 cast. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): Float64Array {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return numpyLinspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** Log-linear σ: exp(linspace(ln σmax, ln σmin, N)), diffusers' use_exponential_sigmas (k-diffusion's
 * get_sigmas_exponential). */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, n: number): Float64Array {
  return numpyLinspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp);
}

/** σ_i = σmin + Beta⁻¹(1 − i/(N−1); α, β)·(σmax − σmin), diffusers' use_beta_sigmas (Lee et al. 2024,
 * "Beta Sampling is All You Need", arXiv:2407.12173), α = β = 0.6 by default. */
export function betaSigmas(sigmaMin: number, sigmaMax: number, n: number, alpha = 0.6, beta = 0.6): Float64Array {
  return numpyLinspace(0, 1, n).map((r) => sigmaMin + betaQuantile(1 - r, alpha, beta) * (sigmaMax - sigmaMin));
}
