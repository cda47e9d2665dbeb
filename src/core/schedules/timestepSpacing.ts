import { f32, numpyLinspace, roundHalfEven } from './float32';

/** diffusers' `timestep_spacing` (Lin et al. 2023, Table 2 compares them). */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

export interface SpacingOptions {
  readonly spacing: TimestepSpacing;
  readonly numInferenceSteps: number;
  readonly numTrainTimesteps: number;
  /** Added to every timestep with leading spacing only (diffusers ignores it otherwise). */
  readonly stepsOffset?: number;
  /** linspace values are rounded to integers (DDPM, DDIM, PNDM, the multistep solvers) or kept as
   * fractional float32 (Euler, Heun, LMS, KDPM2). Default true. */
  readonly roundLinspace?: boolean;
  /** The multistep solvers (DPM-Solver, UniPC, DEIS) space N+1 points for linspace and leading and
   * drop the final one (t = 0 before the offset). Default false. */
  readonly extraPoint?: boolean;
  /** Where the schedule starts instead of numTrainTimesteps: DPM-Solver's lambda_min_clipped cut. */
  readonly lastTimestep?: number;
}

/** The timesteps a scheduler visits, descending, exactly as diffusers' set_timesteps spaces them:
 * - linspace: linspace(0, T−1, N) reversed (N = 1 gives [0]);
 * - leading: i·⌊T/N⌋ + steps_offset, i = N−1..0;
 * - trailing: round(T − i·T/N) − 1, i = 0..N−1 (numpy's arange length and half-to-even rounding).
 * Integer schedules come out as whole numbers; fractional ones as float32 values. */
export function spacedTimesteps(o: SpacingOptions): Float64Array {
  const T = o.numTrainTimesteps;
  const last = o.lastTimestep ?? T;
  const n = o.extraPoint && o.spacing !== 'trailing' ? o.numInferenceSteps + 1 : o.numInferenceSteps;
  let ts: Float64Array;
  switch (o.spacing) {
    case 'linspace': {
      const round = o.roundLinspace ?? true;
      ts = numpyLinspace(0, last - 1, n)
        .map(round ? roundHalfEven : f32)
        .reverse();
      break;
    }
    case 'leading': {
      const ratio = Math.floor(last / n);
      ts = new Float64Array(n);
      for (let i = 0; i < n; i++) ts[i] = (n - 1 - i) * ratio + (o.stepsOffset ?? 0);
      // steps_offset can push the top timestep to T itself (e.g. 1000 steps of 1000), where ᾱ does not
      // exist: diffusers fails there with an IndexError.
      if (ts[0] >= T) {
        throw new RangeError(
          `${o.numInferenceSteps} steps with leading spacing and steps_offset ${o.stepsOffset} visit timestep ` +
            `${ts[0]}, outside the training range 0..${T - 1}; use fewer steps or trailing spacing`,
        );
      }
      break;
    }
    case 'trailing':
      // numpy's arange can give one value too many when T/N is not exact (14 steps of 17 timesteps: a
      // 15th, timestep −1, outside the schedule); diffusers keeps it, this port drops it.
      ts = numpyArange(last, 0, -T / o.numInferenceSteps)
        .subarray(0, o.numInferenceSteps)
        .map((t) => roundHalfEven(t) - 1);
      break;
  }
  return n === o.numInferenceSteps ? ts : ts.subarray(0, o.numInferenceSteps).slice();
}

/** numpy.arange(start, stop, step) for floats: ⌈(stop − start)/step⌉ values; numpy fills them as
 * start + i·δ with δ = (start + step) − start, which can differ from step in the last bit. */
function numpyArange(start: number, stop: number, step: number): Float64Array {
  const len = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start;
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = i === 0 ? start : i === 1 ? start + step : start + i * delta;
  return out;
}
