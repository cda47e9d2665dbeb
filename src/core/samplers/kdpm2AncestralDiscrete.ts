// KDPM2 ancestral (A1111 "DPM2 a"): k-diffusion's sample_dpm_2_ancestral as diffusers 0.35.2 writes it
// (scheduling_k_dpm_2_ancestral_discrete.py): the DPM-Solver-2 midpoint step of KDPM2 taken to σ_down,
// then fresh noise of σ_up (Karras et al. 2022, https://arxiv.org/abs/2206.00364; Lu et al. 2022).
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray } from '../tensor/tensor';
import { KDPM2DiscreteScheduler, logMidpoint } from './kdpm2Discrete';
import { ancestralSigmas, drawNoise } from './stepMath';

export class KDPM2AncestralDiscreteScheduler extends KDPM2DiscreteScheduler {
  override readonly className: string = 'KDPM2AncestralDiscreteScheduler';
  /** Per solver step k: the σ the deterministic part lands on and the σ of the noise added. */
  private down = new Float64Array(0);
  private up = new Float64Array(0);

  /** The midpoint lies between σ_k and σ_down of the step; the last step (to σ = 0) has none. */
  protected override stepMidpoints(sig: Float64Array): Float64Array {
    const split = [...sig.subarray(0, -1)].map((s, k) => ancestralSigmas(s, sig[k + 1]));
    this.down = Float64Array.from(split, (d) => d.down);
    this.up = Float64Array.from(split, (d) => d.up);
    return sig.subarray(0, -1).map((s, k) => (k === sig.length - 2 ? 0 : logMidpoint(s, this.down[k])));
  }

  protected override landing(k: number): number {
    return this.down[k];
  }

  override drawsStepNoise(): boolean {
    return true;
  }

  protected override finishStep(prev: FloatArray, k: number, shape: readonly number[], noise?: NoiseSource): void {
    if (!noise) throw new Error(`${this.className}.step needs a noise source: every second call adds fresh noise`);
    const z = drawNoise(noise, shape);
    const up = this.up[k];
    for (let j = 0; j < prev.length; j++) prev[j] += z[j] * up;
  }
}
