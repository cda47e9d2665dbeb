// DDIM: Song et al. 2020, "Denoising Diffusion Implicit Models", https://arxiv.org/abs/2010.02502 (eq. 12).
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';
import { AlphaScheduler } from './alphaScheduler';
import type { AffineStep, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
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

  override drawsStepNoise(eta = 0): boolean {
    return eta > 0;
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const eta = options?.eta ?? 0;
    const { std, ...e } = this.coefficients(t, eta);
    const x = sample.data;
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    const prev = out.prevSample.data;
    if (this.config.thresholding || this.config.clip_sample) {
      predict(x, m, x0, e.p, e.q);
      clipPrediction(out.predOriginalSample, this.config);
      update(x, m, x0, prev, e);
    } else {
      predictAndUpdate(x, m, x0, prev, e);
    }
    if (eta > 0) {
      if (!noise) throw new Error(`${this.className}.step: eta ${eta} > 0 needs a noise source`);
      const z = drawNoise(noise, modelOutput.shape);
      for (let i = 0; i < prev.length; i++) prev[i] += std * z[i];
    }
    return out;
  }

  /** Deterministic DDIM (η = 0) on an x̂0 that is neither clipped nor thresholded. */
  elementwiseStep(t: number, sample: Tensor, _noise?: NoiseSource, options?: StepOptions): AffineStep | undefined {
    if ((options?.eta ?? 0) > 0 || this.config.thresholding || this.config.clip_sample) return undefined;
    if (!(sample.data instanceof Float32Array)) return undefined;
    return this.coefficients(t, 0);
  }

  /** x̂0 = p·x + q·m and prev = a·x̂0 + d·ε̂ with ε̂ = r·x + s·m (eq. 12; step() adds std·z for η > 0). */
  private coefficients(t: number, eta: number): AffineStep & { std: number } {
    this.indexOf(t);
    // diffusers steps back by the leading stride whatever the spacing; kept for parity.
    const prevT = t - this.stride;
    const alphaProd = this.alphaAt(t);
    const alphaPrev = this.alphaAt(prevT);
    const { p, q, r, s } = alphaPrediction(this.config.prediction_type, alphaProd);
    const variance = ((1 - alphaPrev) / (1 - alphaProd)) * (1 - alphaProd / alphaPrev);
    const std = eta * Math.sqrt(variance);
    return { kind: 'affine', p, q, a: Math.sqrt(alphaPrev), d: Math.sqrt(1 - alphaPrev - std * std), r, s, std };
  }
}

// The loops live in functions of their own, free of branches: V8 then optimises them once, where inside
// step() a rarely taken branch's missing type feedback deoptimised the loop on every call.

function predict(x: FloatArray, m: FloatArray, x0: FloatArray, p: number, q: number): void {
  for (let i = 0; i < x.length; i++) x0[i] = p * x[i] + q * m[i];
}

function update(x: FloatArray, m: FloatArray, x0: FloatArray, prev: FloatArray, { a, d, r, s }: AffineStep): void {
  for (let i = 0; i < x.length; i++) prev[i] = a * x0[i] + d * (r * x[i] + s * m[i]);
}

/** x̂0 = p·x + q·m and the update in one pass, for configs that neither clip nor threshold x̂0. */
function predictAndUpdate(x: FloatArray, m: FloatArray, x0: FloatArray, prev: FloatArray, e: AffineStep): void {
  const { p, q, a, d, r, s } = e;
  // x and m are read once; x̂0 is read back as stored, in the sample's dtype, as diffusers computes it.
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const mi = m[i];
    x0[i] = p * xi + q * mi;
    prev[i] = a * x0[i] + d * (r * xi + s * mi);
  }
}
