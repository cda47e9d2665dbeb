// Euler ancestral (A1111 "Euler a"): k-diffusion's sample_euler_ancestral, an Euler step to σ_down
// plus fresh noise of σ_up (Karras et al. 2022, https://arxiv.org/abs/2206.00364, with Ho et al.'s
// ancestral split σ_up² = σ_to²(σ_from² − σ_to²)/σ_from²).
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import type { EulerStep, StepOptions, StepOutput } from './scheduler';
import { SigmaScheduler, type SigmaConfig } from './sigmaScheduler';
import { ancestralSigmas, drawNoise, sigmaPrediction, stepOutputs } from './stepMath';

export class EulerAncestralDiscreteScheduler extends SigmaScheduler {
  readonly className = 'EulerAncestralDiscreteScheduler';

  constructor(config: SigmaConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(config, alphasCumprod);
    if (config.prediction_type === 'sample')
      throw new RangeError(`${this.className}: prediction_type 'sample' is not implemented (as in diffusers)`);
  }

  override drawsStepNoise(): boolean {
    return true;
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const { p, q, sigma, dt, z, up } = this.eulerStep(t, noise, modelOutput.shape);
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    const x = out.prevSample.data;
    for (let k = 0; k < x.length; k++) {
      const s = Math.fround(sample.data[k]);
      x0[k] = p * s + q * m[k];
      x[k] = s + ((s - x0[k]) / sigma) * dt + z[k] * up;
    }
    return out;
  }

  elementwiseStep(t: number, sample: Tensor, noise?: NoiseSource): EulerStep | undefined {
    return sample.data instanceof Float32Array ? this.eulerStep(t, noise, sample.shape) : undefined;
  }

  /** The step at t, its noise drawn and the step index advanced. */
  private eulerStep(
    t: number,
    noise: NoiseSource | undefined,
    shape: readonly number[],
  ): EulerStep & { z: Float32Array } {
    if (!noise) throw new Error(`${this.className}.step needs a noise source: every step adds fresh noise`);
    const i = this.follow(t);
    const from = this.sigmas[i];
    const { up, down } = ancestralSigmas(from, this.sigmas[i + 1]);
    const { p, q } = sigmaPrediction(this.config.prediction_type, from);
    // Drawn every step, the last included, so the generator advances as diffusers' does.
    const z = drawNoise(noise, shape);
    this.advance();
    // dt in float32: diffusers does its σ arithmetic on float32 tensors.
    return { kind: 'euler', p, q, sigma: from, dt: Math.fround(down - from), z, up };
  }
}
