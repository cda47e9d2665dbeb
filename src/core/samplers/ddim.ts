// DDIM: Song et al. 2020, "Denoising Diffusion Implicit Models", https://arxiv.org/abs/2010.02502 (eq. 12).
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';
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
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
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
    const prev = out.prevSample.data;
    const variance = ((1 - alphaPrev) / (1 - alphaProd)) * (1 - alphaProd / alphaPrev);
    const std = eta * Math.sqrt(variance);
    const e: Update = { a: Math.sqrt(alphaPrev), dir: Math.sqrt(1 - alphaPrev - std * std), r, s };
    if (this.config.thresholding || this.config.clip_sample) {
      predict(x, m, x0, p, q);
      clipPrediction(out.predOriginalSample, this.config);
      update(x, m, x0, prev, e);
    } else {
      predictAndUpdate(x, m, x0, prev, p, q, e);
    }
    if (eta > 0) {
      if (!noise) throw new Error(`${this.className}.step: eta ${eta} > 0 needs a noise source`);
      const z = drawNoise(noise, modelOutput.shape);
      for (let i = 0; i < prev.length; i++) prev[i] += std * z[i];
    }
    return out;
  }
}

/** prev = a·x̂0 + dir·ε̂ with ε̂ = r·x + s·m (eq. 12 with the noise term added by step()). */
interface Update {
  a: number;
  dir: number;
  r: number;
  s: number;
}

// The loops live in functions of their own, free of branches: V8 then optimises them once, where inside
// step() a rarely taken branch's missing type feedback deoptimised the loop on every call.

function predict(x: FloatArray, m: FloatArray, x0: FloatArray, p: number, q: number): void {
  for (let i = 0; i < x.length; i++) x0[i] = p * x[i] + q * m[i];
}

function update(x: FloatArray, m: FloatArray, x0: FloatArray, prev: FloatArray, { a, dir, r, s }: Update): void {
  for (let i = 0; i < x.length; i++) prev[i] = a * x0[i] + dir * (r * x[i] + s * m[i]);
}

/** x̂0 = p·x + q·m and the update in one pass, for configs that neither clip nor threshold x̂0. */
function predictAndUpdate(
  x: FloatArray,
  m: FloatArray,
  x0: FloatArray,
  prev: FloatArray,
  p: number,
  q: number,
  { a, dir, r, s }: Update,
): void {
  // x and m are read once; x̂0 is read back as stored, in the sample's dtype, as diffusers computes it.
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const mi = m[i];
    x0[i] = p * xi + q * mi;
    prev[i] = a * x0[i] + dir * (r * xi + s * mi);
  }
}
