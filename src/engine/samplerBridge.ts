// What the engine thread and the sampler worker (samplerWorker.ts) exchange: the job, the shared
// memory of one model call, and the worker's messages.
import type { ToolRunSpec } from '../core/kdiffusion/toolRun';
import type { RunSpec } from '../protocol/run';

/** A tool run as plain data (the worker resolves the names itself: functions do not cross threads). */
export type SamplerJob = Omit<ToolRunSpec, 'resolved'> & { toolSampler: NonNullable<RunSpec['toolSampler']> };

/** ctrl: one Int32 (REPLY); sigma: one Float64; x, x0: the latents, float32. */
export interface SamplerShared {
  ctrl: SharedArrayBuffer;
  sigma: SharedArrayBuffer;
  x: SharedArrayBuffer;
  x0: SharedArrayBuffer;
}

/** States of ctrl[0]: the worker waits while it is `waiting`; the engine sets `ready` with x̂0 in x0, or
 * `stop` to end the run. */
export const REPLY = { waiting: 0, ready: 1, stop: 2 } as const;

/** Which steps' x and x̂0 the engine shows (previews, captured latents): the worker copies them only there. */
export interface ArrayCadence {
  /** Every this many steps (0: never), and at the last step. */
  every: number;
  /** The steps the run is planned to take (an estimate for an adaptive sampler). */
  totalSteps: number;
}

/** Whether step i (from 0) is at the cadence: the engine and the worker decide alike. */
export function atCadence(i: number, { every, totalSteps }: ArrayCadence): boolean {
  return every > 0 && ((i + 1) % every === 0 || i >= totalSteps - 1);
}

export type WorkerMessage =
  | { type: 'denoise' }
  /** x and denoised come at the cadence only. */
  | { type: 'step'; i: number; sigma: number; sigmaHat: number; x?: Float32Array; denoised?: Float32Array }
  | { type: 'done'; x: Float32Array }
  | { type: 'error'; message: string };

export function sharedFor(latentSize: number): SamplerShared {
  const floats = () => new SharedArrayBuffer(latentSize * 4);
  return { ctrl: new SharedArrayBuffer(4), sigma: new SharedArrayBuffer(8), x: floats(), x0: floats() };
}
