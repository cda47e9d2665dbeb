// Resolves a tool's sampler/schedule names (A1111 1.10 "Sampler" + "Schedule type", legacy combined names
// such as "DPM++ 2M Karras"; ComfyUI sampler_name + scheduler) to one of our samplers and the exact σ list
// that tool would run, and back to each tool's names.
import type { Finding } from '../config/findings';
import { A1111_SAMPLERS, type A1111SamplerEntry, a1111DdimTimesteps } from './a1111Samplers';
import { a1111UniPcSigmas } from './a1111UniPc';
import {
  A1111_SCHEDULE_NAMES,
  A1111_SCHEDULE_TYPES,
  type A1111ExplicitSchedule,
  type A1111ScheduleContext,
  a1111Schedule,
} from './a1111Schedules';
import { COMFY_SAMPLERS } from './comfySamplers';
import { COMFY_SCHEDULERS, type ComfyScheduler, comfySchedule } from './comfySchedules';
import type { SamplerOptions } from './denoiser';
import { SAMPLERS, type SamplerSpec } from './samplers';
import { type SigmaTable, sigmaMax, sigmaMin, timestepToSigma } from './sigmaTable';
import { timestepLinspaceSchedule } from './tableSchedules';

export type Tool = 'a1111' | 'comfyui';

/** Each tool's name as its users write it, for messages and labels. */
export const TOOL_LABELS: Readonly<Record<Tool, string>> = { a1111: 'A1111', comfyui: 'ComfyUI' };

/** How the tool builds σ: a ComfyUI scheduler, an A1111 schedule type, or the own times of A1111's timestep
 * samplers (DDIM and PLMS: DDIM timesteps; UniPC: continuous times, as many as DDIM has timesteps). */
export type ToolSchedule =
  | { readonly tool: 'comfyui'; readonly scheduler: ComfyScheduler }
  | { readonly tool: 'a1111'; readonly type: A1111ExplicitSchedule }
  | { readonly tool: 'a1111'; readonly type: 'DDIM timesteps' }
  | { readonly tool: 'a1111'; readonly type: 'UniPC times' };

export interface ResolvedToolSampler {
  readonly tool: Tool;
  readonly sampler: SamplerSpec;
  readonly schedule: ToolSchedule;
  /** The tool asks for steps + 1 σ and drops the next-to-last. */
  readonly discardPenultimate: boolean;
  /** Options the tool passes besides its defaults (e.g. solver_type). */
  readonly options: SamplerOptions;
  /** The tool's own names, as given (canonical spelling). */
  readonly a1111Sampler?: string;
  readonly comfySampler?: string;
  /** A1111's LCM runs on its own 50-step σ sub-table (LCMCompVisDenoiser). */
  readonly lcmSubTable?: boolean;
  /** A1111's DPM fast and adaptive get the model's σ range (and the step count) instead of a σ list. */
  readonly modelRange?: boolean;
}

const finding = (code: string, message: string): Finding => ({ severity: 'error', path: [], message, code });

function a1111Entry(name: string): A1111SamplerEntry | undefined {
  return A1111_SAMPLERS.find((s) => s.label === name || s.aliases.includes(name));
}

function a1111ScheduleByName(name: string): A1111ExplicitSchedule | 'Automatic' | undefined {
  if (name === 'Automatic' || name === 'automatic') return 'Automatic';
  return (Object.keys(A1111_SCHEDULE_NAMES) as A1111ExplicitSchedule[]).find(
    (t) => t === name || A1111_SCHEDULE_NAMES[t].includes(name),
  );
}

/** Splits a legacy "Sampler Schedule" name ("DPM++ 2M Karras") as A1111's get_sampler_and_scheduler does. */
function splitLegacy(name: string): { sampler: string; schedule?: string } {
  for (const type of A1111_SCHEDULE_TYPES) {
    const spellings = type === 'Automatic' ? ['Automatic', 'automatic'] : [type, ...A1111_SCHEDULE_NAMES[type]];
    const hit = spellings.find((s) => name.endsWith(` ${s}`));
    if (hit) return { sampler: name.slice(0, -(hit.length + 1)), schedule: type };
  }
  return { sampler: name };
}

/** The schedule type asked for (given, or as a legacy name's suffix) that an A1111 timestep sampler (DDIM,
 * PLMS, UniPC) ignores, as A1111 does; undefined where none or Automatic is asked for, or the sampler takes it.
 * Input a user types refuses it (samplerChoice); an image's parameters keep running as A1111 ran them. */
export function ignoredA1111ScheduleType(samplerName: string, scheduleType?: string): string | undefined {
  const legacy = a1111Entry(samplerName) ? { sampler: samplerName } : splitLegacy(samplerName);
  const asked = scheduleType ?? legacy.schedule;
  const ignored = a1111Entry(legacy.sampler)?.timestepSampler && asked !== undefined && asked !== 'Automatic';
  return ignored ? asked : undefined;
}

/** A1111 "Sampler" (+ optional "Schedule type", default Automatic) → our sampler and A1111's schedule.
 * Unknown or unsupported names come back as a Finding (A1111 itself would silently use DPM++ 2M). */
export function resolveA1111(samplerName: string, scheduleType?: string): ResolvedToolSampler | Finding {
  const legacy = a1111Entry(samplerName) ? { sampler: samplerName } : splitLegacy(samplerName);
  const entry = a1111Entry(legacy.sampler);
  if (!entry) return finding('unknown-sampler', `A1111 has no sampler "${samplerName}"`);
  if (!entry.sampler) return finding('unsupported-sampler', `A1111 sampler "${entry.label}": ${entry.why}`);
  const requested = scheduleType ?? legacy.schedule ?? 'Automatic';
  const type = a1111ScheduleByName(requested);
  if (!type) return finding('unknown-schedule', `A1111 has no schedule type "${requested}"`);
  const base = {
    tool: 'a1111' as const,
    sampler: SAMPLERS[entry.sampler],
    a1111Sampler: entry.label,
    discardPenultimate: entry.discardPenultimate ?? false,
    options: entry.options ?? {},
  };
  // Timestep samplers (DDIM, PLMS, UniPC) ignore "Schedule type" in A1111 1.10.
  if (entry.timestepSampler) {
    return { ...base, schedule: { tool: 'a1111', type: entry.label === 'UniPC' ? 'UniPC times' : 'DDIM timesteps' } };
  }
  if (entry.modelRange) return { ...base, schedule: { tool: 'a1111', type: 'Uniform' }, modelRange: true };
  const explicit = type === 'Automatic' ? (entry.automatic ?? 'Uniform') : type;
  return { ...base, schedule: { tool: 'a1111', type: explicit }, lcmSubTable: entry.label === 'LCM' || undefined };
}

/** ComfyUI KSampler sampler_name + scheduler → our sampler and ComfyUI's schedule. */
export function resolveComfy(samplerName: string, scheduler: string): ResolvedToolSampler | Finding {
  const entry = COMFY_SAMPLERS.find((s) => s.name === samplerName);
  if (!entry) return finding('unknown-sampler', `ComfyUI has no sampler_name "${samplerName}"`);
  if (!entry.sampler) return finding('unsupported-sampler', `ComfyUI sampler "${samplerName}": ${entry.why}`);
  if (!(COMFY_SCHEDULERS as readonly string[]).includes(scheduler)) {
    const known = COMFY_SCHEDULERS.join(', ');
    return finding('unknown-schedule', `ComfyUI has no scheduler "${scheduler}" (one of ${known})`);
  }
  return {
    tool: 'comfyui',
    sampler: SAMPLERS[entry.sampler],
    comfySampler: samplerName,
    schedule: { tool: 'comfyui', scheduler: scheduler as ComfyScheduler },
    discardPenultimate: entry.discardPenultimate ?? false,
    options: {},
  };
}

/** Either tool's names (ComfyUI's scheduler defaults to "normal", A1111's schedule type to Automatic). */
export function resolveToolSampler(tool: Tool, sampler: string, schedule?: string): ResolvedToolSampler | Finding {
  return tool === 'a1111' ? resolveA1111(sampler, schedule) : resolveComfy(sampler, schedule ?? 'normal');
}

export function isToolFinding(r: ResolvedToolSampler | Finding): r is Finding {
  return 'code' in r;
}

/** The fewest steps the tool can run the sampler on its schedule, and why, where that is above 1: known
 * before the model (the engine refuses the same runs from the σ themselves). */
export function toolMinSteps(r: ResolvedToolSampler): { steps: number; why: string } | undefined {
  if (r.sampler.id === 'uni_pc_a1111') return { steps: 3, why: 'it runs at order 3' };
  if (r.schedule.tool === 'comfyui' && r.schedule.scheduler === 'kl_optimal') {
    return { steps: 2, why: 'on kl_optimal one step gives NaN' };
  }
  // One step leaves one σ above 0, and a tree from a time to itself is refused (torchsde).
  if (r.sampler.noise === 'brownian') return { steps: 2, why: 'its Brownian-tree noise runs between two σ' };
  return undefined;
}

/** A1111's LCM σ table: every 20th σ from t = 19 to 999 (LCMCompVisDenoiser, 50 original timesteps). */
export function lcmSubTable(table: SigmaTable, originalSteps = 50): SigmaTable {
  const skip = Math.floor(table.sigmas.length / originalSteps);
  const pick = (a: Float64Array) => Float64Array.from({ length: originalSteps }, (_, i) => a[skip - 1 + i * skip]);
  return { sigmas: pick(table.sigmas), logSigmas: pick(table.logSigmas) };
}

/** The σ list the tool hands its sampler for `steps` (descending; ends at 0 except A1111's DDIM and PLMS
 * (σ(t = 1)), UniPC (σ(t = 0)) and KL Optimal (σ_min)). */
export function toolSigmas(
  r: ResolvedToolSampler,
  table: SigmaTable,
  steps: number,
  ctx: A1111ScheduleContext = {},
): number[] {
  const s = r.schedule;
  if (s.tool === 'a1111' && (s.type === 'DDIM timesteps' || s.type === 'UniPC times')) {
    const timesteps = a1111DdimTimesteps(steps, table.sigmas.length);
    return s.type === 'UniPC times'
      ? a1111UniPcSigmas(table, timesteps.length)
      : timesteps.reverse().map((t) => timestepToSigma(table, t));
  }
  // DPM fast reads σ_max = σ[0], σ_min = the last σ above 0 and N = length − 1; A1111 gives it the model's
  // range exactly, so the ends are the table's (the points between do not matter).
  if (r.modelRange) {
    const range = timestepLinspaceSchedule(table, steps + 1, false).slice(0, -1);
    return [sigmaMax(table), ...range.slice(1, -1), sigmaMin(table)];
  }
  const n = r.discardPenultimate ? steps + 1 : steps;
  const sigmas =
    s.tool === 'comfyui'
      ? comfySchedule(s.scheduler, table, n)
      : a1111Schedule(s.type, r.lcmSubTable ? lcmSubTable(table) : table, n, ctx);
  return r.discardPenultimate ? [...sigmas.slice(0, -2), sigmas[sigmas.length - 1]] : sigmas;
}

/** The factor the tool multiplies unit noise by to start txt2img: ComfyUI (ε/v models) uses √(1 + σ₀²) when
 * σ₀ is the model's σ_max (full denoise) and σ₀ otherwise; A1111's k-samplers σ₀; A1111's timestep samplers,
 * which start from the noise itself in ε-space, √(1 + σ₀²). */
export function initialNoiseScale(r: ResolvedToolSampler, sigmas: ArrayLike<number>, table: SigmaTable): number {
  const s0 = sigmas[0];
  if (r.tool === 'comfyui') {
    const max = sigmaMax(table);
    const full = Math.abs(max - s0) <= 1e-5 * Math.max(Math.abs(max), Math.abs(s0)) || s0 > max;
    return full ? Math.sqrt(1 + s0 * s0) : s0;
  }
  return inEpsSpace(r) ? Math.sqrt(1 + s0 * s0) : s0;
}

/** A1111's timestep samplers (DDIM, PLMS, UniPC) work on x_t = √ᾱ·x0 + √(1−ᾱ)·ε, not on k-diffusion's
 * x0 + σ·ε, and walk their own timesteps. */
export const inEpsSpace = (r: ResolvedToolSampler) =>
  r.schedule.tool === 'a1111' && (r.schedule.type === 'DDIM timesteps' || r.schedule.type === 'UniPC times');

/** The factor on the sampler's result before decoding: 1, except A1111's timestep samplers, which end in
 * ε-space at σ(t = 1) (UniPC: σ(t = 0)): 1/√(1 + σ_last²). */
export function finalLatentScale(r: ResolvedToolSampler, sigmas: ArrayLike<number>): number {
  const last = sigmas[sigmas.length - 1];
  return inEpsSpace(r) ? 1 / Math.sqrt(1 + last * last) : 1;
}
