// KDPM2 (A1111 "DPM2"): k-diffusion's sample_dpm_2, a midpoint step in log σ (Karras et al. 2022,
// https://arxiv.org/abs/2206.00364, with DPM-Solver-2's midpoint, Lu et al. 2022).
import { f32 } from '../schedules/float32';
import { sigmaToTimestep } from '../schedules/sigmaToTimestep';
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import type { SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { trainingSigmas, type SigmaSchedule } from './sigmaSchedule';
import { SigmaScheduler, type SigmaConfig } from './sigmaScheduler';
import { sigmaPrediction, stepOutputs } from './stepMath';

export class KDPM2DiscreteScheduler extends SigmaScheduler {
  readonly className = 'KDPM2DiscreteScheduler';
  override readonly order = 2;
  /** √(σ_i·σ_{i−1}) per visited index: where the second call evaluates the model. */
  private midpoints = new Float64Array(0);
  private start = new Float64Array(0);

  constructor(config: SigmaConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(config, alphasCumprod);
    if (config.prediction_type === 'sample')
      throw new RangeError(`${this.className}: prediction_type 'sample' is not implemented (as in diffusers)`);
  }

  protected override scheduleOptions(options: SetTimestepsOptions | undefined) {
    return { ...super.scheduleOptions(options), roundKarrasTimesteps: true };
  }

  protected override expand(s: SigmaSchedule): SigmaSchedule {
    const sig = s.sigmas;
    // exp(lerp(ln σ_i, ln σ_{i−1}, ½)) on float32 tensors, as torch's lerp computes it for weight ½.
    const mid = sig.map((x, i) => {
      const a = f32(Math.log(x));
      const b = f32(Math.log(sig[(i + sig.length - 1) % sig.length]));
      return f32(Math.exp(f32(b - f32(f32(b - a) * 0.5))));
    });
    const twice = (a: Float64Array) =>
      Float64Array.from([a[0], ...[...a.subarray(1)].flatMap((x) => [x, x]), a[a.length - 1]]);
    this.midpoints = twice(mid);
    const { logSigmas } = trainingSigmas(this.alphasCumprod);
    const midT = [...mid.subarray(1, -1)].map((x) => f32(sigmaToTimestep(x, logSigmas)));
    const timesteps = [s.timesteps[0], ...midT.flatMap((tm, k) => [tm, s.timesteps[k + 1]])];
    return { timesteps: Float64Array.from(timesteps), sigmas: twice(sig) };
  }

  protected override inputSigma(i: number): number {
    return i % 2 === 0 ? this.sigmas[i] : this.midpoints[i];
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, _noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.follow(t);
    const first = i % 2 === 0;
    const x = sample.data;
    const n = x.length;
    if (this.start.length !== n) this.start = new Float64Array(n);
    // First call: Euler to the midpoint. Second: the slope there carries the start sample to σ_next.
    const sigma = first ? this.sigmas[i] : this.sigmas[i - 1];
    const mid = first ? this.midpoints[i + 1] : this.midpoints[i];
    const next = first ? this.sigmas[i + 1] : this.sigmas[i];
    const at = first ? sigma : mid;
    const dt = Math.fround((first ? mid : next) - sigma);
    const { p, q } = sigmaPrediction(this.config.prediction_type, at);
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    const prev = out.prevSample.data;
    for (let k = 0; k < n; k++) {
      x0[k] = p * x[k] + q * m[k];
      const d = (x[k] - x0[k]) / at;
      prev[k] = (first ? x[k] : this.start[k]) + d * dt;
      if (first) this.start[k] = x[k];
    }
    this.advance();
    return out;
  }
}
