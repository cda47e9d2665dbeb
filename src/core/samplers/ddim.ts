// DDIM: Song et al. 2020, "Denoising Diffusion Implicit Models", https://arxiv.org/abs/2010.02502 (eq. 12).
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import { AlphaScheduler } from './alphaScheduler';
import type { SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { refuseCustomSchedule } from './setTimestepsChecks';
import { alphaPrediction, clipPrediction, drawNoise, stepOutputs } from './stepMath';

export class DDIMScheduler extends AlphaScheduler {
  readonly className = 'DDIMScheduler';
  private stride = 1;

  getVelocity(sample: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    return this.velocityAt(sample, noise, timesteps);
  }

  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    refuseCustomSchedule(this.className, options, false);
    this.timesteps = this.spaced(numInferenceSteps);
    this.stride = Math.floor(this.config.num_train_timesteps / numInferenceSteps);
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample);
    this.indexOf(t);
    const eta = options?.eta ?? 0;
    // diffusers steps back by the leading stride whatever the spacing; kept for parity.
    const prevT = t - this.stride;
    const alphaProd = this.alphaAt(t);
    const alphaPrev = this.alphaAt(prevT);
    const { p, q, r, s } = alphaPrediction(this.config.prediction_type, alphaProd);
    const x = sample.data;
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    for (let i = 0; i < x.length; i++) x0[i] = p * x[i] + q * m[i];
    clipPrediction(out.predOriginalSample, this.config);

    const variance = ((1 - alphaPrev) / (1 - alphaProd)) * (1 - alphaProd / alphaPrev);
    const std = eta * Math.sqrt(variance);
    const a = Math.sqrt(alphaPrev);
    const dir = Math.sqrt(1 - alphaPrev - std * std);
    const prev = out.prevSample.data;
    for (let i = 0; i < x.length; i++) prev[i] = a * x0[i] + dir * (r * x[i] + s * m[i]);
    if (eta > 0) {
      if (!noise) throw new Error(`${this.className}.step: eta ${eta} > 0 needs a noise source`);
      const z = drawNoise(noise, modelOutput.shape);
      for (let i = 0; i < prev.length; i++) prev[i] += std * z[i];
    }
    return out;
  }
}
