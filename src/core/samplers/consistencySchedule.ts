// The timesteps of the consistency-distilled samplers, LCM (Luo et al. 2023, https://arxiv.org/abs/2310.04378)
// and TCD (Zheng et al. 2024, https://arxiv.org/abs/2402.19159): n of the distillation schedule's
// original_inference_steps timesteps (every T/original-th), as diffusers' set_timesteps picks them;
// timestep_spacing and steps_offset play no part.
import type { SetTimestepsOptions } from './scheduler';
import { checkStepCount, integerTimesteps, refuseCustomSchedule } from './setTimestepsChecks';

export interface ConsistencyScheduleConfig {
  readonly num_train_timesteps: number;
  readonly original_inference_steps: number;
}

export function consistencyTimesteps(
  className: string,
  c: ConsistencyScheduleConfig,
  n: number,
  options?: SetTimestepsOptions,
): Float64Array {
  refuseCustomSchedule(className, options, true);
  const T = c.num_train_timesteps;
  const original = c.original_inference_steps;
  if (options?.timesteps) return integerTimesteps(className, options.timesteps, T);
  checkStepCount(className, n, Math.min(T, original), 'original_inference_steps');
  const k = Math.floor(T / original);
  // numpy.linspace(0, original, n, endpoint=False), floored, indexes the reversed origin schedule.
  return Float64Array.from({ length: n }, (_, i) => (original - Math.floor(i * (original / n))) * k - 1);
}
