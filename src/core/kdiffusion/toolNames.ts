// Names back out: for a resolved sampler, what to type into A1111 ("Sampler" + an explicit "Schedule type")
// or ComfyUI (sampler_name + scheduler) to run the same σ list and steps; and the name lists for a UI.
import { A1111_SAMPLERS } from './a1111Samplers';
import { A1111_SCHEDULE_TYPES, type A1111ExplicitSchedule } from './a1111Schedules';
import { COMFY_SAMPLERS } from './comfySamplers';
import { COMFY_SCHEDULERS, type ComfyScheduler } from './comfySchedules';
import type { ResolvedToolSampler } from './toolSamplers';

/** Schedules that are the same σ list in both tools (A1111's Uniform equals Normal; Polyexponential with its
 * default ρ = 1 equals Exponential). Beta and KL Optimal differ between the tools and have no twin. */
const COMFY_TO_A1111: Partial<Record<ComfyScheduler, A1111ExplicitSchedule>> = {
  normal: 'Normal',
  sgm_uniform: 'SGM Uniform',
  karras: 'Karras',
  exponential: 'Exponential',
  simple: 'Simple',
  ddim_uniform: 'DDIM',
};
const A1111_TO_COMFY: Partial<Record<A1111ExplicitSchedule, ComfyScheduler>> = {
  Normal: 'normal',
  Uniform: 'normal',
  'SGM Uniform': 'sgm_uniform',
  Karras: 'karras',
  Exponential: 'exponential',
  Polyexponential: 'exponential',
  Simple: 'simple',
  DDIM: 'ddim_uniform',
};

export interface ToolNames {
  /** Absent when A1111 cannot run the same thing. */
  readonly a1111?: { readonly sampler: string; readonly scheduleType: string };
  /** Absent when ComfyUI's KSampler cannot run the same thing. */
  readonly comfyui?: { readonly samplerName: string; readonly scheduler: string };
}

export function toolNames(r: ResolvedToolSampler): ToolNames {
  return { a1111: a1111Names(r), comfyui: comfyNames(r) };
}

function a1111Names(r: ResolvedToolSampler): ToolNames['a1111'] {
  const s = r.schedule;
  if (s.tool === 'a1111') {
    // A1111's DDIM ignores the schedule type; "Automatic" is what its UI stores.
    const own = s.type === 'DDIM timesteps' || s.type === 'UniPC times';
    return { sampler: r.a1111Sampler ?? '', scheduleType: own ? 'Automatic' : s.type };
  }
  const entry = A1111_SAMPLERS.find(
    (e) =>
      e.sampler === r.sampler.id &&
      !e.timestepSampler &&
      (e.discardPenultimate ?? false) === r.discardPenultimate &&
      e.label !== 'LCM',
  );
  const type = COMFY_TO_A1111[s.scheduler];
  return entry && type ? { sampler: entry.label, scheduleType: type } : undefined;
}

function comfyNames(r: ResolvedToolSampler): ToolNames['comfyui'] {
  const s = r.schedule;
  if (s.tool === 'comfyui') return { samplerName: r.comfySampler ?? '', scheduler: s.scheduler };
  if (s.type === 'DDIM timesteps' || s.type === 'UniPC times' || r.lcmSubTable || r.sampler.id === 'restart') {
    return undefined;
  }
  const entry = COMFY_SAMPLERS.find(
    (e) =>
      e.sampler === r.sampler.id &&
      !e.gpuBrownianTree &&
      e.name !== 'ddim' &&
      (e.discardPenultimate ?? false) === r.discardPenultimate,
  );
  const scheduler = A1111_TO_COMFY[s.type];
  return entry && scheduler ? { samplerName: entry.name, scheduler } : undefined;
}

export interface NameGroup {
  readonly tool: 'a1111' | 'comfyui';
  readonly group: 'sampler' | 'schedule';
  readonly names: readonly { readonly name: string; readonly supported: boolean; readonly note?: string }[];
}

const entry = (name: string, sampler: unknown, note?: string) => ({ name, supported: !!sampler, note });

/** Every name each tool offers, in the tool's own order, flagged where this module cannot run it. */
export function toolNameGroups(): NameGroup[] {
  return [
    { tool: 'a1111', group: 'sampler', names: A1111_SAMPLERS.map((e) => entry(e.label, e.sampler, e.why)) },
    { tool: 'a1111', group: 'schedule', names: A1111_SCHEDULE_TYPES.map((name) => ({ name, supported: true })) },
    { tool: 'comfyui', group: 'sampler', names: COMFY_SAMPLERS.map((e) => entry(e.name, e.sampler, e.why)) },
    { tool: 'comfyui', group: 'schedule', names: COMFY_SCHEDULERS.map((name) => ({ name, supported: true })) },
  ];
}
