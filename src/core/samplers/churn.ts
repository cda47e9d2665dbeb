// Stochastic "churn" before an Euler step (Karras et al. 2022, https://arxiv.org/abs/2206.00364, Alg. 2):
// raise σ to σ̂ = σ(γ + 1) by adding noise, as diffusers' EulerDiscrete and EDMEuler step() do with their
// s_churn, s_tmin, s_tmax and s_noise arguments.
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray } from '../tensor/tensor';
import type { StepOptions } from './scheduler';
import { drawNoise } from './stepMath';

/** σ̂ for a step at σ: γ = min(s_churn/(len(sigmas) − 1), √2 − 1) inside [s_tmin, s_tmax], else 0. */
export function churnedSigma(sigma: number, sigmaCount: number, options: StepOptions): number {
  const { sChurn = 0, sTmin = 0, sTmax = Infinity } = options;
  const gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / (sigmaCount - 1), Math.SQRT2 - 1) : 0;
  return sigma * (gamma + 1);
}

/** x += s_noise·√(σ̂² − σ²)·ε when σ̂ > σ; one draw of the sample's shape, none otherwise. */
export function addChurnNoise(
  className: string,
  x: FloatArray,
  [sigma, sigmaHat]: readonly [number, number],
  shape: readonly number[],
  noise: NoiseSource | undefined,
  sNoise = 1,
): void {
  if (!(sigmaHat > sigma)) return;
  if (!noise) throw new Error(`${className}.step: s_churn > 0 needs a noise source`);
  const eps = drawNoise(noise, shape);
  const c = sNoise * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
  for (let k = 0; k < x.length; k++) x[k] += c * eps[k];
}
