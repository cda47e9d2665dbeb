// One resolution of a user's sampler name (the CLI's --sampler, --schedule-type, --scheduler) to what
// runs. Each spelling keeps its own tool's meaning:
// - a diffusers class name (DPMSolverMultistepScheduler) runs that diffusers class; --schedule-type Karras,
//   Exponential or Beta sets its use_*_sigmas (the EDM classes: Karras or Exponential sets sigma_schedule);
// - a ComfyUI KSampler sampler_name (dpmpp_2m, euler_ancestral, ddim) runs ComfyUI's sampler, with
//   --scheduler (default normal);
// - anything else is an A1111 sampler ("DPM++ 2M", legacy "DPM++ 2M Karras", aliases such as k_euler_a)
//   and runs A1111's sampler, with --schedule-type (default Automatic, as A1111 reads a missing one).
import { SCHEDULER_CLASSES } from '../core/config/schedulerClasses';
import { COMFY_SAMPLERS } from '../core/kdiffusion/comfySamplers';
import { ignoredA1111ScheduleType, isToolFinding, resolveToolSampler } from '../core/kdiffusion/toolSamplers';
import type { ToolSamplerSpec } from './run';

export type SamplerChoice =
  { kind: 'diffusers'; scheduler: Record<string, unknown> } | { kind: 'tool'; toolSampler: ToolSamplerSpec };

/** diffusers' config keys for the A1111 schedule types a diffusers class can take. */
const DIFFUSERS_SIGMAS: Record<string, string> = {
  Karras: 'use_karras_sigmas',
  Exponential: 'use_exponential_sigmas',
  Beta: 'use_beta_sigmas',
};

/** The EDM classes' sigma_schedule values for the A1111 schedule types. */
const EDM_SCHEDULES: Record<string, string> = { Karras: 'karras', Exponential: 'exponential' };

/** The choice a name stands for, or the reason it stands for none (worded for the user). */
export function samplerChoice(
  name: string,
  opts: { scheduleType?: string; scheduler?: string } = {},
): SamplerChoice | { problem: string } {
  const { scheduleType, scheduler } = opts;
  const spec = SCHEDULER_CLASSES[name];
  if (spec) {
    if (scheduler !== undefined) {
      return { problem: `${name} is a diffusers class: give --schedule-type, not --scheduler` };
    }
    if (scheduleType === undefined) return { kind: 'diffusers', scheduler: { _class_name: name } };
    // The EDM classes name their σ spacing in sigma_schedule rather than a use_*_sigmas flag.
    const edm = EDM_SCHEDULES[scheduleType];
    if ('sigma_schedule' in spec.keys && edm)
      return { kind: 'diffusers', scheduler: { _class_name: name, sigma_schedule: edm } };
    const key = DIFFUSERS_SIGMAS[scheduleType];
    if (!key || !(key in spec.keys)) {
      const offered =
        'sigma_schedule' in spec.keys
          ? Object.keys(EDM_SCHEDULES)
          : Object.keys(DIFFUSERS_SIGMAS).filter((t) => DIFFUSERS_SIGMAS[t] in spec.keys);
      return { problem: `${name} takes schedule type ${offered.join(', ') || '(none)'}, not "${scheduleType}"` };
    }
    return { kind: 'diffusers', scheduler: { _class_name: name, [key]: true } };
  }
  const comfy = COMFY_SAMPLERS.some((e) => e.name === name);
  if (comfy && scheduleType !== undefined) {
    return { problem: `${name} is a ComfyUI sampler_name: give --scheduler, not --schedule-type` };
  }
  if (!comfy && scheduler !== undefined) {
    return { problem: `--scheduler goes with a ComfyUI sampler_name (such as dpmpp_2m), not "${name}"` };
  }
  const toolSampler: ToolSamplerSpec = comfy
    ? { tool: 'comfyui', sampler: name, schedule: scheduler ?? 'normal' }
    : { tool: 'a1111', sampler: name, ...(scheduleType !== undefined && { schedule: scheduleType }) };
  const resolved = resolveToolSampler(toolSampler.tool, toolSampler.sampler, toolSampler.schedule);
  if (!isToolFinding(resolved)) {
    const ignored = toolSampler.tool === 'a1111' ? ignoredA1111ScheduleType(name, scheduleType) : undefined;
    if (ignored === undefined) return { kind: 'tool', toolSampler };
    const sampler = resolved.tool === 'a1111' ? resolved.a1111Sampler : name;
    return {
      problem: `A1111's ${sampler} steps through its own timesteps: it takes no schedule type (A1111 ignores "${ignored}")`,
    };
  }
  const hint =
    resolved.code === 'unknown-sampler'
      ? ' (give a diffusers class such as DPMSolverMultistepScheduler, an A1111 name such as "DPM++ 2M Karras", or' +
        ' a ComfyUI sampler_name such as dpmpp_2m)'
      : '';
  return { problem: `${resolved.message}${hint}` };
}
