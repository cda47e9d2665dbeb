// Heun: Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based Generative Models",
// Algorithm 1 (2nd-order trapezoidal correction), https://arxiv.org/abs/2206.00364.
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import type { SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import type { SigmaSchedule } from './sigmaSchedule';
import { SigmaScheduler } from './sigmaScheduler';
import { refuseCustomSchedule } from './setTimestepsChecks';
import { clipPrediction, sigmaPrediction, stepOutputs } from './stepMath';

export class HeunDiscreteScheduler extends SigmaScheduler {
  readonly className = 'HeunDiscreteScheduler';
  override readonly order = 2;
  /** The first call's derivative, step size and start sample, read by the correcting second call. */
  private derivative = new Float64Array(0);
  private start = new Float64Array(0);
  private dt = 0;

  protected override scheduleOptions(options: SetTimestepsOptions | undefined) {
    refuseCustomSchedule(this.className, options, true);
    return { timesteps: options?.timesteps };
  }

  /** Every σ after the first is visited twice: once as the target of an Euler step, once to correct it. */
  protected override expand(s: SigmaSchedule): SigmaSchedule {
    const sig = s.sigmas;
    return {
      timesteps: Float64Array.from([s.timesteps[0], ...[...s.timesteps.subarray(1)].flatMap((t) => [t, t])]),
      sigmas: Float64Array.from([sig[0], ...[...sig.subarray(1, -1)].flatMap((x) => [x, x]), sig[sig.length - 1]]),
    };
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, _noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.follow(t);
    const first = i % 2 === 0;
    const x = sample.data;
    const n = x.length;
    if (this.start.length !== n) [this.derivative, this.start] = [new Float64Array(n), new Float64Array(n)];
    // First call: Euler from σ_i to σ_{i+1}. Second: x̂0 at σ_{i+1}, average the two slopes.
    const sigma = first ? this.sigmas[i] : this.sigmas[i - 1];
    const next = first ? this.sigmas[i + 1] : this.sigmas[i];
    const at = first ? sigma : next;
    const { p, q } = sigmaPrediction(this.config.prediction_type, at);
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    for (let k = 0; k < n; k++) x0[k] = p * x[k] + q * m[k];
    clipPrediction(out.predOriginalSample, this.config);
    const prev = out.prevSample.data;
    if (first) {
      this.dt = Math.fround(next - sigma); // a float32 tensor op in diffusers
      for (let k = 0; k < n; k++) {
        const d = (x[k] - x0[k]) / sigma;
        this.derivative[k] = d;
        this.start[k] = x[k];
        prev[k] = x[k] + d * this.dt;
      }
    } else {
      for (let k = 0; k < n; k++)
        prev[k] = this.start[k] + ((this.derivative[k] + (x[k] - x0[k]) / next) / 2) * this.dt;
    }
    this.advance();
    return out;
  }
}
