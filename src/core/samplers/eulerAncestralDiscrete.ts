// Euler ancestral (A1111 "Euler a"): k-diffusion's sample_euler_ancestral, an Euler step to σ_down
// plus fresh noise of σ_up (Karras et al. 2022, https://arxiv.org/abs/2206.00364, with Ho et al.'s
// ancestral split σ_up² = σ_to²(σ_from² − σ_to²)/σ_from²).
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import type { StepOptions, StepOutput } from './scheduler';
import { SigmaScheduler, type SigmaConfig } from './sigmaScheduler';
import { ancestralSigmas, drawNoise, sigmaPrediction, stepOutputs } from './stepMath';

export class EulerAncestralDiscreteScheduler extends SigmaScheduler {
  readonly className = 'EulerAncestralDiscreteScheduler';

  constructor(config: SigmaConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(config, alphasCumprod);
    if (config.prediction_type === 'sample')
      throw new RangeError(`${this.className}: prediction_type 'sample' is not implemented (as in diffusers)`);
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    if (!noise) throw new Error(`${this.className}.step needs a noise source: every step adds fresh noise`);
    const i = this.follow(t);
    const f = Math.fround; // σ arithmetic on float32 tensors, as diffusers does it
    const from = this.sigmas[i];
    const to = this.sigmas[i + 1];
    const { up, down } = ancestralSigmas(from, to);
    const dt = f(down - from);
    const { p, q } = sigmaPrediction(this.config.prediction_type, from);
    // Drawn every step, the last included, so the generator advances as diffusers' does.
    const z = drawNoise(noise, modelOutput.shape);
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    const x = out.prevSample.data;
    for (let k = 0; k < x.length; k++) {
      const s = f(sample.data[k]);
      x0[k] = p * s + q * m[k];
      x[k] = s + ((s - x0[k]) / from) * dt + z[k] * up;
    }
    this.advance();
    return out;
  }
}
