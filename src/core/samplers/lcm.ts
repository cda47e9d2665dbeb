// Latent Consistency Models: Luo et al. 2023, https://arxiv.org/abs/2310.04378 (multistep consistency
// sampling, Algorithm 3; boundary-condition scalings from Song et al.'s consistency models).
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import type { AlphaConfig } from './alphaScheduler';
import { ConsistencyScheduler } from './consistencyScheduler';
import type { StepOptions, StepOutput } from './scheduler';
import { alphaPrediction, clipPrediction, drawNoise, stepOutputs } from './stepMath';

export class LCMScheduler extends ConsistencyScheduler<
  AlphaConfig & { original_inference_steps: number; timestep_scaling: number }
> {
  readonly className = 'LCMScheduler';

  override drawsStepNoise(): boolean {
    return true;
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.indexOf(t);
    const last = i === this.timesteps.length - 1;
    const prevT = last ? t : this.timesteps[i + 1];
    const alphaProd = this.alphasCumprod[t];
    const alphaPrev = this.alphaAt(prevT);
    const scaled = t * this.config.timestep_scaling;
    const cSkip = 0.25 / (scaled * scaled + 0.25); // σ_data = 0.5
    const cOut = scaled / Math.sqrt(scaled * scaled + 0.25);
    const { p, q } = alphaPrediction(this.config.prediction_type, alphaProd);
    const x = sample.data;
    const m = modelOutput.data;
    const denoised = out.predOriginalSample.data;
    for (let k = 0; k < x.length; k++) denoised[k] = p * x[k] + q * m[k];
    clipPrediction(out.predOriginalSample, this.config);
    for (let k = 0; k < x.length; k++) denoised[k] = cOut * denoised[k] + cSkip * x[k];
    const prev = out.prevSample.data;
    if (last) {
      prev.set(denoised);
      return out;
    }
    if (!noise)
      throw new Error(`${this.className}.step needs a noise source: every step but the last adds fresh noise`);
    const z = drawNoise(noise, modelOutput.shape);
    const a = Math.sqrt(alphaPrev);
    const b = Math.sqrt(1 - alphaPrev);
    for (let k = 0; k < x.length; k++) prev[k] = a * denoised[k] + b * z[k];
    return out;
  }
}
