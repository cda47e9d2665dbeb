// The σ schedule the k-diffusion-style discrete samplers (Euler, Euler a, Heun, KDPM2, LMS) build in
// set_timesteps: spaced timesteps, σ interpolated from the training σ, optionally replaced by Karras,
// exponential or beta σ (timesteps then mapped back from σ), then the final σ appended.
import { f32, roundHalfEven, torchLinspaceF32 } from '../schedules/float32';
import { sigmasFromAlphasCumprod } from '../schedules/noiseLevels';
import { betaSigmas, exponentialSigmas, karrasSigmas } from '../schedules/sigmaSchedules';
import { interpolateAt, sigmaToTimestep } from '../schedules/sigmaToTimestep';
import { spacedTimesteps, type TimestepSpacing } from '../schedules/timestepSpacing';
import { checkStepCount } from './setTimestepsChecks';

export interface SigmaScheduleConfig {
  readonly num_train_timesteps: number;
  readonly timestep_spacing: TimestepSpacing;
  readonly steps_offset: number;
  readonly use_karras_sigmas?: boolean;
  readonly use_exponential_sigmas?: boolean;
  readonly use_beta_sigmas?: boolean;
  readonly sigma_min?: number | null;
  readonly sigma_max?: number | null;
  /** Euler only: 'log_linear' spaces σ log-uniformly over the training range instead. */
  readonly interpolation_type?: 'linear' | 'log_linear';
  /** Euler only: end at σ 0 or at the smallest training σ. */
  readonly final_sigmas_type?: 'zero' | 'sigma_min';
}

export interface SigmaSchedule {
  /** float32 values, as diffusers stores them. */
  readonly timesteps: Float64Array;
  /** One more than timesteps: the σ the last step lands on. */
  readonly sigmas: Float64Array;
}

/** Per-training-timestep σ and ln σ (float32, as numpy computes them from the float32 ᾱ tensor). */
export function trainingSigmas(alphasCumprod: Float64Array): { sigmas: Float64Array; logSigmas: Float64Array } {
  const sigmas = sigmasFromAlphasCumprod(alphasCumprod);
  return { sigmas, logSigmas: sigmas.map((s) => f32(Math.log(s))) };
}

export function sigmaSchedule(
  className: string,
  c: SigmaScheduleConfig,
  alphasCumprod: Float64Array,
  n: number,
  options: { timesteps?: readonly number[]; sigmas?: readonly number[]; roundKarrasTimesteps?: boolean } = {},
): SigmaSchedule {
  const train = trainingSigmas(alphasCumprod);
  const toT = (s: number) => sigmaToTimestep(s, train.logSigmas);
  if (options.sigmas) {
    // Explicit σ, final one included: timesteps come from σ.
    const sigmas = Float64Array.from(options.sigmas, f32);
    return { timesteps: sigmas.subarray(0, -1).map((s) => f32(toT(s))), sigmas };
  }
  let timesteps: Float64Array;
  if (options.timesteps) {
    timesteps = Float64Array.from(options.timesteps, f32);
    n = timesteps.length;
  } else {
    checkStepCount(className, n, c.num_train_timesteps);
    timesteps = spacedTimesteps({
      spacing: c.timestep_spacing,
      numInferenceSteps: n,
      numTrainTimesteps: c.num_train_timesteps,
      stepsOffset: c.steps_offset,
      roundLinspace: false,
    }).map(f32);
  }
  let sigmas: Float64Array =
    c.interpolation_type === 'log_linear'
      ? torchLinspaceF32(Math.log(train.sigmas[train.sigmas.length - 1]), Math.log(train.sigmas[0]), n + 1).map((l) =>
          f32(Math.exp(l)),
        )
      : timesteps.map((t) => interpolateAt(t, train.sigmas));
  const range = (): [number, number] => {
    const [lo, hi] = [c.sigma_min ?? sigmas[sigmas.length - 1], c.sigma_max ?? sigmas[0]];
    // An unset end is the σ of the spaced schedule's first or last step, so it moves with n and the spacing.
    if (lo > hi || (lo === hi && n > 1)) {
      throw new RangeError(
        `${className}.setTimesteps: with ${n} steps sigma_min ${lo}${c.sigma_min == null ? ' (from the spacing)' : ''} ` +
          `is not below sigma_max ${hi}${c.sigma_max == null ? ' (from the spacing)' : ''}: the schedule would run upward; set both`,
      );
    }
    return [lo, hi];
  };
  const converted = c.use_karras_sigmas
    ? karrasSigmas(...range(), n)
    : c.use_exponential_sigmas
      ? exponentialSigmas(...range(), n)
      : c.use_beta_sigmas
        ? betaSigmas(...range(), n)
        : undefined;
  if (converted) {
    sigmas = converted;
    timesteps = converted.map((s) =>
      f32(options.roundKarrasTimesteps && c.use_karras_sigmas ? roundHalfEven(toT(s)) : toT(s)),
    );
  }
  return { timesteps, sigmas: withFinalSigma(sigmas, c.final_sigmas_type === 'sigma_min' ? train.sigmas[0] : 0) };
}

/** The σ of the visited steps and the σ the last step lands on, as float32. */
export function withFinalSigma(sigmas: Float64Array, last: number): Float64Array {
  const all = new Float64Array(sigmas.length + 1);
  all.set(sigmas.map(f32));
  all[sigmas.length] = f32(last);
  return all;
}
