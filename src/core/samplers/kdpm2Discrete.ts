// KDPM2 (A1111 "DPM2"): k-diffusion's sample_dpm_2, a midpoint step in log σ (Karras et al. 2022,
// https://arxiv.org/abs/2206.00364, with DPM-Solver-2's midpoint, Lu et al. 2022).
import { f32 } from '../schedules/float32';
import { sigmaToTimestep } from '../schedules/sigmaToTimestep';
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';
import type { SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { trainingSigmas, type SigmaSchedule } from './sigmaSchedule';
import { SigmaScheduler, type SigmaConfig } from './sigmaScheduler';
import { sigmaPrediction, stepOutputs } from './stepMath';

/** exp(lerp(ln a, ln b, ½)) on float32 tensors, as torch's lerp computes it for weight ½ (b − (b − a)/2). */
export function logMidpoint(a: number, b: number): number {
  const la = f32(Math.log(a));
  const lb = f32(Math.log(b));
  return f32(Math.exp(f32(lb - f32(f32(lb - la) * 0.5))));
}

export class KDPM2DiscreteScheduler extends SigmaScheduler {
  readonly className: string = 'KDPM2DiscreteScheduler';
  override readonly order = 2;
  /** Per solver step k (σ_k to the next): the σ where its second call evaluates the model. */
  protected midpoints: Float64Array = new Float64Array(0);
  private start = new Float64Array(0);

  constructor(config: SigmaConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(config, alphasCumprod);
    if (config.prediction_type === 'sample')
      throw new RangeError(`${this.className}: prediction_type 'sample' is not implemented (as in diffusers)`);
  }

  protected override scheduleOptions(options: SetTimestepsOptions | undefined) {
    return { ...super.scheduleOptions(options), roundKarrasTimesteps: true };
  }

  /** The midpoint of each solver step: geometric mean of σ_k and σ_{k+1} (0 for the last, to σ = 0). */
  protected stepMidpoints(sig: Float64Array): Float64Array {
    return sig.subarray(0, -1).map((s, k) => logMidpoint(sig[k + 1], s));
  }

  /** Where the second call of solver step k lands. */
  protected landing(k: number): number {
    return this.sigmas[2 * k + 1];
  }

  /** What the second call adds after its update (the ancestral noise); nothing here. */
  protected finishStep(_prev: FloatArray, _k: number, _shape: readonly number[], _noise?: NoiseSource): void {}

  /** Every σ after the first is visited twice: its solver step's midpoint call comes between them. */
  protected override expand(s: SigmaSchedule): SigmaSchedule {
    const sig = s.sigmas;
    this.midpoints = this.stepMidpoints(sig);
    const twice = (a: Float64Array) =>
      Float64Array.from([a[0], ...[...a.subarray(1)].flatMap((x) => [x, x]), a[a.length - 1]]);
    const { logSigmas } = trainingSigmas(this.alphasCumprod);
    const midT = [...this.midpoints.subarray(0, -1)].map((x) => f32(sigmaToTimestep(x, logSigmas)));
    const lost = midT.findIndex(Number.isNaN);
    if (lost >= 0) {
      // σ_down rounds to 0 when σ falls ~4096-fold in one step, and log σ repeats at the top of squaredcos_cap_v2.
      throw new RangeError(
        `${this.className}.setTimesteps: with ${sig.length - 1} steps the midpoint σ ${this.midpoints[lost]} ` +
          `of step ${lost} maps to no timestep (NaN in diffusers too: σ_down is 0 or the training σ are flat there); ` +
          'use more steps',
      );
    }
    const timesteps = [s.timesteps[0], ...midT.flatMap((tm, k) => [tm, s.timesteps[k + 1]])];
    const again = timesteps.indexOf(timesteps[0], 1);
    if (again > 0) {
      // diffusers starts a run at the second occurrence of its first t (meant for image-to-image) and counts on.
      throw new RangeError(
        `${this.className}.setTimesteps: with ${sig.length - 1} steps the first timestep ${timesteps[0]} recurs at ` +
          `call ${again}, where diffusers would start the run and step past the schedule's end; use more steps`,
      );
    }
    return { timesteps: Float64Array.from(timesteps), sigmas: twice(sig) };
  }

  protected override inputSigma(i: number): number {
    return i % 2 === 0 ? this.sigmas[i] : this.midpoints[i >> 1];
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.follow(t);
    const first = i % 2 === 0;
    const k = i >> 1;
    const x = sample.data;
    const n = x.length;
    if (this.start.length !== n) this.start = new Float64Array(n);
    // First call: Euler to the midpoint. Second: the slope there carries the start sample on.
    const sigma = this.sigmas[2 * k];
    const mid = this.midpoints[k];
    const at = first ? sigma : mid;
    const dt = Math.fround((first ? mid : this.landing(k)) - sigma);
    const { p, q } = sigmaPrediction(this.config.prediction_type, at);
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    const prev = out.prevSample.data;
    for (let j = 0; j < n; j++) {
      x0[j] = p * x[j] + q * m[j];
      const d = (x[j] - x0[j]) / at;
      prev[j] = (first ? x[j] : this.start[j]) + d * dt;
      if (first) this.start[j] = x[j];
    }
    if (!first) this.finishStep(prev, k, sample.shape, noise);
    this.advance();
    return out;
  }
}
