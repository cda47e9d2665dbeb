// diffusers' EDMEulerScheduler: Euler steps on the EDM σ schedule with EDM preconditioning (Karras et al.
// 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", https://arxiv.org/abs/2206.00364,
// Algorithm 2 with churn, Table 1). The network sees c_in·x and its output F gives x̂0 = c_skip·x + c_out·F,
// so it is for models trained in the EDM formulation (CosXL: exponential σ, v-prediction, σ_data 1).
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import { edmSigmas, edmTimesteps } from '../schedules/edmSigmas';
import { f32 } from '../schedules/float32';
import { addChurnNoise, churnedSigma } from './churn';
import { checkEdmConfig, edmDenoise, edmInputScale, type EdmConfig } from './edmPreconditioning';
import type { SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { checkStepCount } from './setTimestepsChecks';
import { withFinalSigma, type SigmaSchedule } from './sigmaSchedule';
import { SigmaStepScheduler } from './sigmaScheduler';
import { stepOutputs } from './stepMath';

export class EDMEulerScheduler extends SigmaStepScheduler<EdmConfig> {
  readonly className = 'EDMEulerScheduler';

  constructor(config: EdmConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(config, alphasCumprod);
    checkEdmConfig(this.className, config);
  }

  /** diffusers' init_noise_sigma: √(σ_max² + 1), as the class defines it. */
  get initNoiseSigma(): number {
    return Math.sqrt(this.config.sigma_max ** 2 + 1);
  }

  /** Karras or exponential σ from σ_max to σ_min, then 0 or σ_min again; timesteps are c_noise = ¼·ln σ.
   * diffusers' `sigmas` argument is a ramp in [0, 1] along that schedule, not σ values: not taken. */
  protected schedule(n: number, options?: SetTimestepsOptions): SigmaSchedule {
    if (options?.timesteps || options?.sigmas) {
      throw new RangeError(
        `${this.className}.setTimesteps takes no custom timesteps or sigmas (diffusers reads its sigmas ` +
          'argument as positions in [0, 1] along the schedule, not as σ)',
      );
    }
    checkStepCount(this.className, n, this.config.num_train_timesteps);
    const sigmas = edmSigmas(this.config, n, 'float64');
    const last = this.config.final_sigmas_type === 'sigma_min' ? sigmas[n - 1] : 0;
    return { timesteps: edmTimesteps(sigmas), sigmas: withFinalSigma(sigmas, last) };
  }

  protected override inputScale(sigma: number): number {
    return edmInputScale(sigma, this.config.sigma_data);
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options: StepOptions = {}): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options.out);
    const i = this.follow(t);
    const sigma = this.sigmas[i];
    const sigmaHat = f32(churnedSigma(sigma, this.sigmas.length, options));
    const x = out.prevSample.data;
    // diffusers runs this step on a float32 copy of the sample.
    for (let k = 0; k < x.length; k++) x[k] = f32(sample.data[k]);
    addChurnNoise(this.className, x, [sigma, sigmaHat], modelOutput.shape, noise, options.sNoise);
    const x0 = out.predOriginalSample.data;
    edmDenoise(x0, x, modelOutput.data, sigmaHat, this.config);
    const dt = f32(this.sigmas[i + 1] - sigmaHat);
    for (let k = 0; k < x.length; k++) x[k] += ((x[k] - x0[k]) / sigmaHat) * dt;
    this.advance();
    return out;
  }
}
