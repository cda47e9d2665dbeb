// DDPM ancestral sampling: Ho et al. 2020, "Denoising Diffusion Probabilistic Models", eq. 6–7,
// https://arxiv.org/abs/2006.11239.
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import { AlphaScheduler, type AlphaConfig } from './alphaScheduler';
import type { SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { checkStepCount, integerTimesteps, refuseCustomSchedule } from './setTimestepsChecks';
import { alphaPrediction, clipPrediction, drawNoise, stepOutputs } from './stepMath';

type VarianceType = 'fixed_small' | 'fixed_small_log' | 'fixed_large';

export class DDPMScheduler extends AlphaScheduler<AlphaConfig & { variance_type: VarianceType }> {
  readonly className = 'DDPMScheduler';

  getVelocity(sample: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    return this.velocityAt(sample, noise, timesteps);
  }

  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    refuseCustomSchedule(this.className, options, true);
    const custom = options?.timesteps;
    if (!custom) {
      this.timesteps = this.spaced(numInferenceSteps);
      return;
    }
    const T = this.config.num_train_timesteps;
    const timesteps = integerTimesteps(this.className, custom, T);
    checkStepCount(this.className, custom.length, T);
    this.timesteps = timesteps;
  }

  override drawsStepNoise(): boolean {
    return true;
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.indexOf(t);
    const prevT = i + 1 < this.timesteps.length ? this.timesteps[i + 1] : -1;
    const alphaProd = this.alphasCumprod[t];
    const alphaPrev = prevT >= 0 ? this.alphasCumprod[prevT] : 1;
    // α_t = ᾱ_t/ᾱ_{t−1} and β_t = 1 − α_t in float32, as diffusers computes them from its float32 ᾱ: near
    // t = 0 the subtraction cancels, and float64 put diffusers' own test_full_loop_with_noise off by
    // 0.02 in its sum (387.9676 vs 387.9466).
    const f = Math.fround;
    const currentAlpha = f(alphaProd / alphaPrev);
    const currentBeta = f(1 - currentAlpha);
    const { p, q } = alphaPrediction(this.config.prediction_type, alphaProd);
    const x = sample.data;
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    for (let k = 0; k < x.length; k++) x0[k] = p * x[k] + q * m[k];
    clipPrediction(out.predOriginalSample, this.config);

    // Posterior mean (eq. 7) and, for t > 0, its noise.
    const c0 = f(f(f(Math.sqrt(alphaPrev)) * currentBeta) / f(1 - alphaProd));
    const ct = f(f(f(Math.sqrt(currentAlpha)) * f(1 - alphaPrev)) / f(1 - alphaProd));
    const prev = out.prevSample.data;
    for (let k = 0; k < x.length; k++) prev[k] = c0 * x0[k] + ct * x[k];
    if (t > 0) {
      if (!noise) throw new Error(`${this.className}.step needs a noise source for t > 0`);
      const std = this.noiseStd(currentBeta, alphaPrev, alphaProd);
      const z = drawNoise(noise, modelOutput.shape);
      for (let k = 0; k < prev.length; k++) prev[k] += std * z[k];
    }
    return out;
  }

  /** The posterior's standard deviation, in float32 as diffusers' _get_variance computes it. */
  private noiseStd(beta: number, alphaPrev: number, alphaProd: number): number {
    const f = Math.fround;
    const small = Math.max(f(f(f(1 - alphaPrev) / f(1 - alphaProd)) * beta), 1e-20);
    switch (this.config.variance_type) {
      case 'fixed_small':
        return f(Math.sqrt(small));
      case 'fixed_small_log':
        return f(Math.exp(f(0.5 * f(Math.log(small)))));
      case 'fixed_large':
        return f(Math.sqrt(beta));
      // 'learned' and 'learned_range' need a model that outputs its variance; diffusers' 'fixed_large_log'
      // takes the square root of a negative log and yields NaN.
      default:
        throw new RangeError(
          `${this.className}: variance_type '${String(this.config.variance_type)}' is not supported (fixed_small, fixed_small_log, fixed_large are)`,
        );
    }
  }
}
