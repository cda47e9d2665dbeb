// What setTimesteps refuses, in the words every sampler uses: step counts, and custom schedules the
// class's diffusers set_timesteps has no argument for or would misread.
import type { SetTimestepsOptions } from './scheduler';

/** set_timesteps' bound: 1 ≤ n ≤ num_train_timesteps (or the class's own limit), an integer. */
export function checkStepCount(className: string, n: number, limit: number, limitName = 'num_train_timesteps'): void {
  if (!Number.isInteger(n) || n < 1 || n > limit) {
    throw new RangeError(
      `${className}.setTimesteps: num_inference_steps ${n} must be an integer from 1 to ${limitName} (${limit})`,
    );
  }
}

/** Throws when options hold sigmas, or timesteps a class that takes none was given. */
export function refuseCustomSchedule(
  className: string,
  options: SetTimestepsOptions | undefined,
  takesTimesteps: boolean,
): void {
  if (options?.sigmas || (options?.timesteps && !takesTimesteps)) {
    throw new RangeError(
      takesTimesteps
        ? `${className}.setTimesteps takes custom timesteps, not sigmas`
        : `${className}.setTimesteps takes no custom timesteps or sigmas (diffusers' has no such argument)`,
    );
  }
}

/** Explicit timesteps as DDPM and LCM take them: integers in [0, T), strictly descending. */
export function integerTimesteps(className: string, custom: readonly number[], T: number): Float64Array {
  custom.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= T)
      throw new RangeError(`${className}: custom timestep ${t} must be an integer in [0, ${T})`);
    if (i > 0 && t >= custom[i - 1]) throw new RangeError(`${className}: custom timesteps must be in descending order`);
  });
  return Float64Array.from(custom);
}

/** diffusers' set_begin_index takes any int; an index outside the schedule would fail at the first step,
 * so it is refused here, naming it. */
export function checkBeginIndex(className: string, beginIndex: number, scheduled: number): number {
  if (!Number.isInteger(beginIndex) || beginIndex < 0 || beginIndex >= scheduled) {
    const what = `${className}.setBeginIndex: ${beginIndex}`;
    throw new RangeError(`${what} is not an index of the ${scheduled} scheduled timesteps`);
  }
  return beginIndex;
}
