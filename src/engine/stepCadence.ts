// Which steps of a tool run show their x and x̂0 (previews, captured latents): only those are copied.

export interface ArrayCadence {
  /** Every this many steps (0: never), and at the last step. */
  every: number;
  /** The steps the run is planned to take (an estimate for an adaptive sampler). */
  totalSteps: number;
}

/** Whether step i (from 0) is at the cadence. */
export function atCadence(i: number, { every, totalSteps }: ArrayCadence): boolean {
  return every > 0 && ((i + 1) % every === 0 || i >= totalSteps - 1);
}
