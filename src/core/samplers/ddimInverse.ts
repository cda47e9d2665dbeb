// DDIM inversion: the deterministic DDIM update (Song et al. 2020, https://arxiv.org/abs/2010.02502,
// eq. 12) run from x_0 towards noise, as diffusers' DDIMInverseScheduler does it (Mokady et al. 2022,
// "Null-text Inversion", https://arxiv.org/abs/2211.09794, uses the same step).
import type { Tensor } from '../tensor/tensor';
import { AlphaScheduler } from './alphaScheduler';
import type { SetTimestepsOptions, StepOutput } from './scheduler';
import { refuseCustomSchedule } from './setTimestepsChecks';
import { alphaPrediction, clipPrediction, stepOutputs } from './stepMath';

export class DDIMInverseScheduler extends AlphaScheduler {
  readonly className = 'DDIMInverseScheduler';
  private stride = 1;

  /** DDIM's leading or trailing timesteps in ascending order; diffusers refuses linspace here. */
  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    refuseCustomSchedule(this.className, options, false);
    if (this.config.timestep_spacing === 'linspace') {
      throw new RangeError(`${this.className}: timestep_spacing 'linspace' is not supported (leading or trailing are)`);
    }
    this.timesteps = this.spaced(numInferenceSteps).reverse();
    this.stride = Math.floor(this.config.num_train_timesteps / numInferenceSteps);
  }

  /** From the sample at t − T/n (ᾱ 1 or ᾱ_0 before the first timestep, by set_alpha_to_one) to t. */
  step(modelOutput: Tensor, t: number, sample: Tensor): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample);
    this.indexOf(t);
    const alphaFrom = this.alphaAt(t - this.stride);
    const alphaTo = this.alphasCumprod[t];
    const { p, q, r, s } = alphaPrediction(this.config.prediction_type, alphaFrom);
    const x = sample.data;
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    for (let i = 0; i < x.length; i++) x0[i] = p * x[i] + q * m[i];
    clipPrediction(out.predOriginalSample, this.config);
    const a = Math.sqrt(alphaTo);
    const b = Math.sqrt(1 - alphaTo);
    const prev = out.prevSample.data;
    for (let i = 0; i < x.length; i++) prev[i] = a * x0[i] + b * (r * x[i] + s * m[i]);
    return out;
  }
}
