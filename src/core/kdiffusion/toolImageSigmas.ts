// Where an image-to-image run of a tool sampler starts: each tool cuts its schedule by the strength its own
// way, and A1111 spans its Brownian tree over the whole schedule where ComfyUI spans it over the cut one.
import type { A1111ScheduleContext } from './a1111Schedules';
import { a1111DdimTimesteps } from './a1111Samplers';
import { a1111UniPcImageSigmas, UNIPC_ORDER } from './a1111UniPc';
import { type SigmaTable, timestepToSigma } from './sigmaTable';
import { inEpsSpace, type ResolvedToolSampler, toolSigmas } from './toolSamplers';

export interface ToolImageSigmas {
  /** The σ the sampler runs (none: the run keeps the image's latents, ComfyUI at strength 0). */
  sigmas: number[];
  /** The σ whose range the SDE samplers' Brownian tree spans. */
  treeSigmas: number[];
  /** Where `sigmas` starts in the schedule it was cut from. */
  beginIndex: number;
  /** The σ the init latents are noised to in ε-space, where it is not sigmas[0] (A1111's DDIM, PLMS, UniPC). */
  noiseSigma?: number;
}

/** t_enc, the steps' worth of strength A1111 runs from an init image (setup_img2img_steps without
 * "img2img_fix_steps"): ⌊min(strength, 0.999)·steps⌋. */
export function a1111ImageSteps(steps: number, strength: number): number {
  return Math.trunc(Math.min(strength, 0.999) * steps);
}

/** Why `r` cannot start from an init image at this strength and step count, or undefined: A1111's UniPC
 * walks t_enc times and needs at least its order (A1111 fails below). */
export function toolImageStepsProblem(r: ResolvedToolSampler, steps: number, strength: number): string | undefined {
  const tEnc = a1111ImageSteps(steps, strength);
  if (!isUniPc(r) || tEnc >= UNIPC_ORDER) return undefined;
  return (
    `from an init image at strength ${strength} it walks ${tEnc} of its ${steps} timesteps (⌊strength·steps⌋) ` +
    `and needs at least ${UNIPC_ORDER}, its order: raise the strength or the steps`
  );
}

/** A1111 (sd_samplers_kdiffusion.py sample_img2img, setup_img2img_steps without "img2img_fix_steps"): the
 * schedule for `steps` from index steps − t_enc − 1, t_enc = ⌊min(strength, 0.999)·steps⌋, so t_enc + 1
 * steps (one at strength 0). A1111's DDIM and PLMS (sd_samplers_timesteps.py sample_img2img): the first t_enc
 * of its DDIM timesteps, walked down (t_enc − 1 steps: none below 2), the latents noised to the timestep
 * above them, not to the first one sampled; its UniPC walks t_enc times from just above the last of those
 * (a1111UniPc.ts), so at least 3. ComfyUI (KSampler.set_steps): the last steps + 1 σ of the schedule for
 * ⌊steps/strength⌋ steps; the whole schedule above strength 0.9999, none at 0. */
export function toolImageSigmas(
  r: ResolvedToolSampler,
  table: SigmaTable,
  steps: number,
  strength: number,
  ctx?: A1111ScheduleContext,
): ToolImageSigmas {
  if (r.tool === 'a1111') {
    if (inEpsSpace(r)) return timestepSamplerImage(r, table, steps, strength);
    const full = toolSigmas(r, table, steps, ctx);
    const beginIndex = steps - a1111ImageSteps(steps, strength) - 1;
    return { sigmas: full.slice(beginIndex), treeSigmas: full, beginIndex };
  }
  if (strength <= 0) return { sigmas: [], treeSigmas: [], beginIndex: steps };
  const full = strength > 0.9999 ? toolSigmas(r, table, steps) : toolSigmas(r, table, Math.floor(steps / strength));
  const sigmas = full.slice(-(steps + 1));
  return { sigmas, treeSigmas: sigmas, beginIndex: full.length - sigmas.length };
}

/** A1111's DDIM, PLMS and UniPC: the first t_enc DDIM timesteps, walked down (UniPC: its times from just
 * above the last of them), the latents noised to the timestep t_enc. */
function timestepSamplerImage(
  r: ResolvedToolSampler,
  table: SigmaTable,
  steps: number,
  strength: number,
): ToolImageSigmas {
  const problem = toolImageStepsProblem(r, steps, strength);
  if (problem) throw new RangeError(problem);
  const tEnc = a1111ImageSteps(steps, strength);
  const timesteps = a1111DdimTimesteps(steps, table.sigmas.length);
  const handed = timesteps.slice(0, tEnc);
  const sigmas = isUniPc(r)
    ? a1111UniPcImageSigmas(table, handed)
    : handed.reverse().map((t) => timestepToSigma(table, t));
  const noiseSigma = timestepToSigma(table, timesteps[tEnc]);
  return { sigmas, treeSigmas: sigmas, beginIndex: timesteps.length - tEnc, noiseSigma };
}

const isUniPc = (r: ResolvedToolSampler) => r.schedule.tool === 'a1111' && r.schedule.type === 'UniPC times';
