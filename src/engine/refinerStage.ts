// SDXL's second stage (Podell et al. 2023, §2.5, "ensemble of expert denoisers") as diffusers v0.35.2 runs
// it: StableDiffusionXLPipeline(denoising_end=f, output_type='latent') hands its latents, unchanged, to
// StableDiffusionXLImg2ImgPipeline(image=latents, denoising_start=f), which encodes the prompts with its own
// encoders (a refiner has only text_encoder_2), conditions on aesthetic scores (addedConditions.ts), takes
// its scheduler's timesteps below the cutoff (src/core/forward/denoisingSplit.ts), adds no noise
// (add_noise is False with denoising_start) and draws any sampler noise from the run's generators, as one
// torch.Generator passed to both pipelines does.
import { baseTimesteps, refinerTimesteps } from '../core/forward/denoisingSplit';
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { RefinerRunInfo } from '../protocol/engine';
import { DEFAULT_REFINER_SWITCH } from '../protocol/run';
import { addedConditions } from './addedConditions';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { Loop, Phase } from './denoise';
import { encodePrompts } from './textEncoding';

export interface RefinerPlan {
  sessions: ModelSessions;
  scheduler: Scheduler;
  /** The base's part of its schedule, and the refiner's part of its own. */
  base: Float64Array;
  refiner: Float64Array;
  info: RefinerRunInfo;
}

/** Splits the schedules; `base` and `refiner` have had setTimesteps for the run's steps. */
export function planRefiner(
  r: ModelSessions,
  s: ModelSessions,
  switchAt: number | undefined,
  schedulers: { base: Scheduler; refiner: Scheduler },
): RefinerPlan {
  checkPair(r, s);
  const at = switchAt ?? DEFAULT_REFINER_SWITCH;
  const base = baseTimesteps(schedulers.base, at);
  const refiner = refinerTimesteps(schedulers.refiner, at);
  const { dir, name } = r.folder;
  const info = { dir, name, hash: r.hash, switchAt: at, baseSteps: base.length, refinerSteps: refiner.length };
  return { sessions: r, scheduler: schedulers.refiner, base, refiner, info };
}

/** The refiner's denoising from the base's latents (`denoise` is the pipeline's loop); returns the final
 * latents and what its text encoding took. Step events go on counting from the base's steps. */
export async function refine(
  loop: Loop,
  plan: RefinerPlan,
  latents: Tensor,
  denoise: (loop: Loop, phase: Phase) => Promise<Tensor>,
): Promise<{ latents: Tensor; textEncoderMs: number }> {
  const r = plan.sessions;
  const started = performance.now();
  const text = await encodePrompts(r, loop.req, loop.shape);
  const textEncoderMs = performance.now() - started;
  const rows = (text.uncond ? 2 : 1) * loop.shape.batch;
  const added = addedConditions(r, { ...loop.req, width: loop.shape.width, height: loop.shape.height }, text, rows);
  const phase: Phase = {
    scheduler: plan.scheduler,
    timesteps: plan.refiner,
    latents,
    firstStep: plan.base.length,
    totalSteps: plan.base.length + plan.refiner.length,
  };
  return { latents: await denoise({ ...loop, s: r, text, added }, phase), textEncoderMs };
}

/** A refiner continues an SDXL base's latents: both SDXL UNets, same latent channels, text-to-image. */
function checkPair(r: ModelSessions, s: ModelSessions): void {
  const bad = (why: string) =>
    new EngineFailure('BAD_REQUEST', `${r.folder.dir} cannot refine ${s.folder.name}: ${why}`);
  const sdxl = (m: ModelSessions) => m.unet.inputs.some((i) => i.name === 'time_ids');
  if (!sdxl(s)) throw bad(`the base is ${s.family.family}, and a refiner continues an SDXL base`);
  if (!sdxl(r)) throw bad(`it is ${r.family.family}, not an SDXL refiner or SDXL model (its UNet has no time_ids)`);
  if (r.unetLatentChannels !== s.unetLatentChannels || r.folder.kind !== 'text2img') {
    throw bad(`its UNet denoises ${r.unetLatentChannels} latent channels, the base's ${s.unetLatentChannels}`);
  }
}
