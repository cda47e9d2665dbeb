// SDXL's "ensemble of expert denoisers" (Podell et al. 2023, §2.5; diffusers' base + refiner): the base
// denoises the high-noise part of the schedule and hands its latents, unchanged, to the refiner, which
// denoises the rest. diffusers v0.35.2 splits at a fraction f of the training timesteps:
// StableDiffusionXLPipeline.__call__ ("9.1 Apply denoising_end") keeps the timesteps ≥ the cutoff, and
// StableDiffusionXLImg2ImgPipeline.get_timesteps(denoising_start=f) takes those below it.
import { roundHalfEven } from '../schedules/float32';
import type { Scheduler } from '../samplers/scheduler';

/** diffusers' discrete_timestep_cutoff: int(round(T − f·T)), Python's round (halves to even). */
export function timestepCutoff(scheduler: Scheduler, fraction: number): number {
  const T = Number(scheduler.config.num_train_timesteps ?? 1000);
  return roundHalfEven(T - fraction * T);
}

/** The base's part of the current schedule (setTimesteps done): the timesteps at or above the cutoff. */
export function baseTimesteps(scheduler: Scheduler, denoisingEnd: number): Float64Array {
  const cutoff = timestepCutoff(scheduler, denoisingEnd);
  return scheduler.timesteps.filter((t) => t >= cutoff);
}

/** The refiner's part of the current schedule (setTimesteps done): the last n timesteps, n counting those
 * below the cutoff, plus one for a second-order class when n is even (so the run never starts between a
 * Heun step's two model calls); sets the begin index there. */
export function refinerTimesteps(scheduler: Scheduler, denoisingStart: number): Float64Array {
  const cutoff = timestepCutoff(scheduler, denoisingStart);
  let n = scheduler.timesteps.filter((t) => t < cutoff).length;
  if (scheduler.order === 2 && n % 2 === 0) n += 1;
  const start = Math.max(scheduler.timesteps.length - n, 0);
  scheduler.setBeginIndex?.(start);
  return scheduler.timesteps.slice(start);
}
