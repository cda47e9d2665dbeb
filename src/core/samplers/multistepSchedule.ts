// Timesteps and σ of the multistep solvers' set_timesteps. DPM-Solver (Lu et al. 2022,
// https://arxiv.org/abs/2206.00927), UniPC and DEIS share these rules in diffusers 0.35.2.
import { f32, roundHalfEven } from '../schedules/float32';
import { betaSigmas, exponentialSigmas, karrasSigmas } from '../schedules/sigmaSchedules';
import { sigmaToTimestep } from '../schedules/sigmaToTimestep';
import { spacedTimesteps, type TimestepSpacing } from '../schedules/timestepSpacing';
import { checkStepCount } from './setTimestepsChecks';
import { trainingSigmas, withFinalSigma } from './sigmaSchedule';

export interface MultistepScheduleConfig {
  readonly num_train_timesteps: number;
  readonly beta_schedule: string;
  readonly timestep_spacing: TimestepSpacing;
  readonly steps_offset: number;
  readonly use_karras_sigmas?: boolean;
  readonly use_exponential_sigmas?: boolean;
  readonly use_beta_sigmas?: boolean;
  /** DPM-Solver only: σ log-linear in λ (Lu et al.), timesteps rounded like Karras'. */
  readonly use_lu_lambdas?: boolean;
  /** Where the last step lands: σ = 0, or σ_min of the schedule (DEIS always takes σ_min). */
  readonly final_sigmas_type?: 'zero' | 'sigma_min';
  /** DPM-Solver only: the schedule starts below the first timestep whose λ falls under this. */
  readonly lambda_min_clipped?: number;
}

/** How a class departs from the shared rules. */
export interface ScheduleRules {
  /** DPM-Solver keeps Karras/Lu timesteps fractional (then truncates) for squaredcos_cap_v2. */
  readonly noRoundForCosine: boolean;
}

/** Timesteps (integers, descending) and N+1 σ values (float32) for n steps, or for explicit timesteps. */
export function multistepSchedule(
  className: string,
  config: MultistepScheduleConfig,
  alphasCumprod: Float64Array,
  n: number,
  rules: ScheduleRules,
  custom?: readonly number[],
): { timesteps: Float64Array; sigmas: Float64Array } {
  const T = config.num_train_timesteps;
  const { sigmas: trainSigmas, logSigmas } = trainingSigmas(alphasCumprod);
  let timesteps: Float64Array;
  if (custom) {
    if (custom.length === 0 || custom.some((t) => !Number.isInteger(t) || t < 0 || t >= T)) {
      throw new RangeError(
        `${className}.setTimesteps: custom timesteps [${custom.join(', ')}] must be integers from 0 to ${T - 1}`,
      );
    }
    timesteps = Float64Array.from(custom);
  } else {
    const clipped = clippedCount(alphasCumprod, config.lambda_min_clipped ?? -Infinity);
    // linspace and leading space N + 1 points over the T − clipped timesteps left: more would repeat one.
    if (config.timestep_spacing === 'trailing' && !clipped) checkStepCount(className, n, T);
    else
      checkStepCount(
        className,
        n,
        T - clipped - 1,
        clipped ? 'the timesteps lambda_min_clipped leaves, less one' : 'num_train_timesteps − 1',
      );
    timesteps = spacedTimesteps({
      spacing: config.timestep_spacing,
      numInferenceSteps: n,
      numTrainTimesteps: T,
      stepsOffset: config.steps_offset,
      extraPoint: true,
      lastTimestep: T - clipped,
    });
  }
  const convert = custom ? undefined : sigmaConversion(config);
  let sigmas: Float64Array;
  if (convert) {
    // The converted σ run from σ_max = σ_{T−1} down to σ_min = σ_0; each gets the timestep of its σ.
    sigmas = convert.fn(trainSigmas[0], trainSigmas[T - 1], n);
    const round = convert.round && !(rules.noRoundForCosine && config.beta_schedule === 'squaredcos_cap_v2');
    // int64 casts truncate what is not rounded.
    timesteps = sigmas.map((s) => (round ? roundHalfEven : Math.trunc)(sigmaToTimestep(s, logSigmas)));
  } else {
    sigmas = timesteps.map((t) => trainSigmas[t]);
  }
  const last = config.final_sigmas_type === 'zero' ? 0 : convert ? sigmas[sigmas.length - 1] : trainSigmas[0];
  return { timesteps, sigmas: withFinalSigma(sigmas, last) };
}

type SigmaFn = (sigmaMin: number, sigmaMax: number, n: number) => Float64Array;

function sigmaConversion(c: MultistepScheduleConfig): { fn: SigmaFn; round: boolean } | undefined {
  if (c.use_karras_sigmas) return { fn: karrasSigmas, round: true };
  if (c.use_lu_lambdas) return { fn: exponentialSigmas, round: true };
  if (c.use_exponential_sigmas) return { fn: exponentialSigmas, round: false };
  if (c.use_beta_sigmas) return { fn: betaSigmas, round: false };
  return undefined;
}

/** How many training timesteps, counted from t = T−1 down, have λ = log α − log σ below `lambdaMin`
 * (torch.searchsorted over the ascending, flipped float32 λ). */
function clippedCount(alphasCumprod: Float64Array, lambdaMin: number): number {
  if (lambdaMin === -Infinity) return 0;
  let count = 0;
  for (const a of alphasCumprod) {
    const lambda = f32(f32(Math.log(f32(Math.sqrt(a)))) - f32(Math.log(f32(Math.sqrt(f32(1 - a))))));
    if (lambda < lambdaMin) count++;
  }
  return count;
}
