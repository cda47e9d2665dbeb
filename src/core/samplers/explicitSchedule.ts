// A run's explicit timesteps or σ against the model's training schedule, before any scheduler takes
// them: the engine refuses a run on it, a sweep's checks say it at the value while typing.

import type { SetTimestepsOptions } from './scheduler';

export interface ExplicitScheduleProblem {
  field: 'timesteps' | 'sigmas';
  message: string;
}

/** Why the explicit list cannot be scheduled on training ᾱ `alphasCumprod` (one per training timestep):
 * both lists given, too short, not finite, not strictly descending, or outside the training range.
 * Whether the sampler takes such a list is its own call (setTimesteps). */
export function explicitScheduleProblem(
  { timesteps, sigmas }: SetTimestepsOptions,
  alphasCumprod: Float64Array,
): ExplicitScheduleProblem | undefined {
  const field: ExplicitScheduleProblem['field'] = timesteps ? 'timesteps' : 'sigmas';
  const problem = (message: string): ExplicitScheduleProblem => ({ field, message });
  if (timesteps !== undefined && sigmas !== undefined)
    return problem('give custom timesteps or custom sigmas, not both');
  const list = timesteps ?? sigmas;
  if (list === undefined) return undefined;
  const min = timesteps ? 1 : 2;
  if (list.length < min) return problem(`custom ${field} must be a list of at least ${min} numbers`);
  const T = alphasCumprod.length;
  // σ of the last training timestep: the noisiest the model was trained on (∞ for zero terminal SNR).
  const aT = alphasCumprod[T - 1];
  const sigmaMax = Math.sqrt((1 - aT) / aT);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      return problem(`custom ${field}[${i}] is ${typeof v === 'number' ? v : JSON.stringify(v)}, not a finite number`);
    if (i > 0 && v >= list[i - 1])
      return problem(`custom ${field} must be strictly descending: [${i}] = ${v} follows ${list[i - 1]}`);
    if (timesteps && (v < 0 || v > T - 1))
      return problem(`custom timestep ${v} is outside the training range 0 to ${T - 1}`);
    // float32 rounding of σ_max is allowed for.
    if (sigmas && (v < 0 || v > sigmaMax * (1 + 1e-6)))
      return problem(`custom sigma ${v} is outside the training range 0 to ${sigmaMax.toPrecision(6)}`);
  }
  return undefined;
}
