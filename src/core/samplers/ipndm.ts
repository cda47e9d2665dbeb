// Improved PNDM (Zhang & Chen 2023, https://arxiv.org/abs/2204.13902 §4, "iPNDM") as diffusers 0.35.2's
// IPNDMScheduler runs it (scheduling_ipndm.py): Adams–Bashforth of order up to 4 on ε-like outputs over its
// own schedule, noise coefficient β = sin²(πs/2) for s from 1 to 0 and signal α = √(1 − β²); the model is
// called with t = (2/π)·atan2(β, α) ∈ (0, 1], not a training timestep (there are no training β).
import { addNoiseRefusal } from '../config/schedulerClasses';
import { ADAMS_BASHFORTH } from '../kdiffusion/stepMath';
import type { NoiseSource } from '../rng/noiseSource';
import { f32, torchLinspaceF32 } from '../schedules/float32';
import type { Tensor } from '../tensor/tensor';
import { addScaled, OutputHistory } from './multistepCommon';
import type { Scheduler, SetTimestepsOptions, StepOptions, StepOutput } from './scheduler';
import { checkBeginIndex, checkStepCount, refuseCustomSchedule } from './setTimestepsChecks';
import { indexForTimestep, stepOutputs } from './stepMath';

export interface IpndmConfig {
  readonly num_train_timesteps: number;
  /** Replaces the sin² schedule: one noise coefficient per schedule point, the final one included. */
  readonly trained_betas: readonly number[] | null;
}

const PI32 = f32(Math.PI); // torch multiplies a float32 tensor by Python's π as a float32 scalar

/** diffusers' `betas` for n steps: sin²(πs/2) at s = linspace(1, 0, n + 1), in float32. */
function sinSquared(n: number): Float64Array {
  const steps = torchLinspaceF32(1, 0, n + 1);
  steps[n] = 0; // diffusers drops linspace's last point and appends 0.0
  return steps.map((s) => f32(f32(Math.sin(f32(f32(s * PI32) / 2))) ** 2));
}

export class IPNDMScheduler implements Scheduler {
  readonly className = 'IPNDMScheduler';
  readonly initNoiseSigma = 1;
  readonly order = 1;
  readonly sigmas = undefined;
  /** No training schedule: empty. */
  readonly alphasCumprod = new Float64Array(0);
  timesteps: Float64Array = new Float64Array(0);
  /** Per schedule point, one more than timesteps: diffusers' `betas` (noise) and `alphas` (signal). */
  private noiseCoef: Float64Array = new Float64Array(0);
  private signalCoef: Float64Array = new Float64Array(0);
  private ets: OutputHistory | undefined;
  private index: number | undefined;
  private beginIndex: number | undefined;

  constructor(readonly config: IpndmConfig & Readonly<Record<string, unknown>>) {}

  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    refuseCustomSchedule(this.className, options, false);
    const trained = this.config.trained_betas;
    let betas: Float64Array;
    if (trained) {
      // diffusers ignores the step count then; a count that disagrees is refused rather than dropped.
      if (numInferenceSteps !== trained.length - 1) {
        throw new RangeError(
          `${this.className}.setTimesteps: num_inference_steps ${numInferenceSteps} must be ${trained.length - 1}: ` +
            `trained_betas gives ${trained.length} schedule points`,
        );
      }
      betas = Float64Array.from(trained, f32);
    } else {
      // diffusers sets no upper bound; the one every class here keeps costs nothing real.
      checkStepCount(this.className, numInferenceSteps, this.config.num_train_timesteps);
      betas = sinSquared(numInferenceSteps);
    }
    this.noiseCoef = betas;
    this.signalCoef = betas.map((b) => f32(Math.sqrt(f32(1 - f32(b * b)))));
    this.timesteps = betas.subarray(0, -1).map((b, i) => f32(f32(f32(Math.atan2(b, this.signalCoef[i])) / PI32) * 2));
    this.ets?.reset();
    this.index = undefined;
    this.beginIndex = undefined;
  }

  setBeginIndex(beginIndex: number): void {
    this.beginIndex = checkBeginIndex(this.className, beginIndex, this.timesteps.length);
  }

  scaleModelInput(sample: Tensor): Tensor {
    return sample;
  }

  modelInputScale(): number {
    return 1;
  }

  drawsStepNoise(_eta?: number): boolean {
    return false;
  }

  /** The VE σ of the sample at t: noise over signal coefficient (infinite at t = 1, where the signal is 0). */
  sigmaAt(t: number): number {
    const i = indexForTimestep(this.className, this.timesteps, t);
    return this.noiseCoef[i] / this.signalCoef[i];
  }

  addNoise(): Tensor {
    throw new RangeError(addNoiseRefusal(this.className));
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, _noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.follow(t);
    const x = sample.data;
    const m = modelOutput.data;
    const n = x.length;
    if (!this.ets?.fits(x)) this.ets = new OutputHistory(4, x);
    const [noiseNow, signalNow] = [this.noiseCoef[i], this.signalCoef[i]];
    const e = this.ets.push();
    for (let k = 0; k < n; k++) e[k] = x[k] * noiseNow + m[k] * signalNow;
    // The combined slope goes into prevSample first, then the update overwrites it in place.
    const slope = out.prevSample.data;
    slope.fill(0);
    ADAMS_BASHFORTH[this.ets.count - 1].forEach((w, k) => addScaled(slope, w, this.ets!.get(k)));
    const [noiseNext, signalNext] = [this.noiseCoef[i + 1], this.signalCoef[i + 1]];
    const x0 = out.predOriginalSample.data;
    const divisor = Math.max(signalNow, 1e-8);
    for (let k = 0; k < n; k++) {
      x0[k] = (x[k] - noiseNow * slope[k]) / divisor;
      slope[k] = signalNext * x0[k] + slope[k] * noiseNext;
    }
    this.index = i + 1;
    return out;
  }

  /** The schedule index for a call at t, as diffusers' _init_step_index and its step counter. */
  private follow(t: number): number {
    if (this.index === undefined) this.index = this.beginIndex ?? indexForTimestep(this.className, this.timesteps, t);
    else if (this.timesteps[this.index] !== t) this.index = indexForTimestep(this.className, this.timesteps, t);
    return this.index;
  }
}
