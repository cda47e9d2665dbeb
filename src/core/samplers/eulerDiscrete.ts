// Euler: Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based Generative Models",
// Algorithm 2 (with churn), https://arxiv.org/abs/2206.00364.
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import type { EulerStep, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { SigmaScheduler, type SigmaConfig } from './sigmaScheduler';
import { sigmaPrediction, stepOutputs } from './stepMath';
import { addChurnNoise, churnedSigma } from './churn';
import { alphaCoefficients, checkNoiseArgs, dtypeRounding, velocity } from './noising';

export class EulerDiscreteScheduler extends SigmaScheduler<
  SigmaConfig & { timestep_type?: 'discrete' | 'continuous' }
> {
  readonly className = 'EulerDiscreteScheduler';

  override setTimesteps(n: number, options?: SetTimestepsOptions): void {
    super.setTimesteps(n, options);
    // 'continuous' v-prediction models (e.g. some EDM ports) take t = ln(σ)/4 instead of an index.
    if (this.config.timestep_type === 'continuous' && this.config.prediction_type === 'v_prediction') {
      this.timesteps = this.sigmas.subarray(0, -1).map((s) => Math.fround(0.25 * Math.log(s)));
    }
  }

  protected override scheduleOptions(options: SetTimestepsOptions | undefined) {
    return { timesteps: options?.timesteps, sigmas: options?.sigmas };
  }

  /** diffusers' get_velocity: √ᾱ·ε − √(1−ᾱ)·x0, where diffusers indexes ᾱ by each t's position in the
   * schedule rather than by t (scheduling_euler_discrete.py, get_velocity); kept for parity. */
  getVelocity(sample: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    checkNoiseArgs(`${this.className}.getVelocity`, sample, noise, timesteps);
    const abar = timesteps.map((t) => this.alphasCumprod[this.indexOf(t)]);
    return velocity(sample, noise, alphaCoefficients(abar, dtypeRounding(sample)));
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options: StepOptions = {}): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.follow(t);
    const sigma = this.sigmas[i];
    const sigmaHat = churnedSigma(sigma, this.sigmas.length, options);
    const x = out.prevSample.data;
    // diffusers runs this step on a float32 copy of the sample.
    for (let k = 0; k < x.length; k++) x[k] = Math.fround(sample.data[k]);
    addChurnNoise(this.className, x, [sigma, sigmaHat], modelOutput.shape, noise, options.sNoise);
    const { p, q, dt } = this.eulerStep(i, sigmaHat);
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    for (let k = 0; k < x.length; k++) {
      x0[k] = p * x[k] + q * m[k];
      x[k] += ((x[k] - x0[k]) / sigmaHat) * dt;
    }
    this.advance();
    return out;
  }

  /** The step where it adds no churn noise (σ̂ = σ). */
  elementwiseStep(t: number, sample: Tensor, _noise?: NoiseSource, options: StepOptions = {}): EulerStep | undefined {
    if (!(sample.data instanceof Float32Array)) return undefined;
    const i = this.follow(t);
    const sigmaHat = churnedSigma(this.sigmas[i], this.sigmas.length, options);
    if (sigmaHat > this.sigmas[i]) return undefined;
    const step = this.eulerStep(i, sigmaHat);
    this.advance();
    return step;
  }

  /** The step at schedule index i from σ̂ (σ raised by churn). */
  private eulerStep(i: number, sigmaHat: number): EulerStep {
    // v-prediction uses σ, not σ̂, as diffusers does.
    const sigma = this.config.prediction_type === 'epsilon' ? sigmaHat : this.sigmas[i];
    const { p, q } = sigmaPrediction(this.config.prediction_type, sigma);
    const dt = Math.fround(this.sigmas[i + 1] - sigmaHat); // a float32 tensor op in diffusers
    return { kind: 'euler', p, q, sigma: sigmaHat, dt, up: 0 };
  }
}
