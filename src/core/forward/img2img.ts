// Where an image-to-image run starts: diffusers' StableDiffusionImg2ImgPipeline.get_timesteps
// (pipelines/stable_diffusion/pipeline_stable_diffusion_img2img.py, v0.35.2). SDEdit (Meng et al. 2021,
// https://arxiv.org/abs/2108.01073): noise the image to the level of step t_start, denoise from there.
import type { Scheduler } from '../samplers/scheduler';

export interface Img2ImgSchedule {
  /** Timesteps the run visits: the schedule from index t_start·order on (empty at strength 0). */
  readonly timesteps: Float64Array;
  /** Denoising steps the run takes, num_inference_steps − t_start (what diffusers returns). */
  readonly steps: number;
  readonly tStart: number;
  /** Index of timesteps[0] in the full schedule: t_start·order, given to setBeginIndex. */
  readonly beginIndex: number;
}

/** Sets `numInferenceSteps` on the scheduler and cuts its schedule for `strength` in [0, 1]:
 * t_start = n − min(⌊n·strength⌋, n); second-order classes skip t_start·order entries. Sets the
 * begin index where the class has one, so add_noise and the first step start there. */
export function img2imgTimesteps(scheduler: Scheduler, numInferenceSteps: number, strength: number): Img2ImgSchedule {
  if (!(strength >= 0 && strength <= 1)) {
    throw new RangeError(`image-to-image strength must be a number from 0 to 1 (got ${strength})`);
  }
  scheduler.setTimesteps(numInferenceSteps);
  const n = numInferenceSteps;
  const initTimestep = Math.min(Math.floor(n * strength), n);
  const tStart = Math.max(n - initTimestep, 0);
  const beginIndex = tStart * scheduler.order;
  const timesteps = scheduler.timesteps.slice(beginIndex);
  // diffusers sets it even past the end (strength 0); here that run has no step to begin.
  if (timesteps.length > 0) scheduler.setBeginIndex?.(beginIndex);
  return { timesteps, steps: n - tStart, tStart, beginIndex };
}
