// The sampler picker's entries, read from the registries: A1111's samplers × schedule types and ComfyUI's
// sampler_name × scheduler (src/core/kdiffusion toolNameGroups, resolved as a run would resolve them), and
// diffusers' scheduler classes × the σ options their configs take (the core's class table).
import { SCHEDULER_CLASSES, schedulerClassNames } from '../../core/index';
import { type NameGroup, toolNameGroups } from '../../core/kdiffusion/toolNames';
import { isToolFinding, resolveToolSampler, type ResolvedToolSampler } from '../../core/kdiffusion/toolSamplers';
import type { ToolSamplerSpec } from '../../protocol/run';
import {
  diffusersSamplerId,
  MODEL_SAMPLER,
  toolSamplerLabel,
  type SamplerOption,
} from '../../protocol/workbenchSampler';
import { a1111SamplerOfClass } from '../../runs/toolEquivalents';

const SIGMA_OPTIONS = [
  ['karras', 'Karras'],
  ['exponential', 'Exponential'],
  ['beta', 'Beta'],
] as const;

/** The model's own scheduler first, then A1111, ComfyUI and diffusers, each in its registry's order. */
export function samplerOptions(): SamplerOption[] {
  const groups = toolNameGroups();
  const names = (tool: NameGroup['tool'], group: NameGroup['group']) =>
    groups.find((g) => g.tool === tool && g.group === group)!.names;
  return [
    MODEL_SAMPLER,
    ...toolOptions('a1111', names('a1111', 'sampler'), names('a1111', 'schedule')),
    ...toolOptions('comfyui', names('comfyui', 'sampler'), names('comfyui', 'schedule')),
    ...diffusersOptions(),
  ];
}

function toolOptions(tool: 'a1111' | 'comfyui', samplers: NameGroup['names'], schedules: NameGroup['names']) {
  return samplers.flatMap(({ name, supported, note }): SamplerOption[] => {
    const entry = (toolSampler: ToolSamplerSpec, extra: Partial<SamplerOption> = {}): SamplerOption => ({
      id: `${tool}:${toolSampler.sampler}:${toolSampler.schedule ?? ''}`,
      group: tool,
      label: toolSamplerLabel(toolSampler),
      toolSampler,
      ...extra,
    });
    if (!supported) return [entry({ tool, sampler: name }, { label: name, unavailable: note ?? 'not reproduced yet' })];
    const automatic = resolveToolSampler(tool, name);
    // Samplers that walk their own times or the model's range ignore the schedule: one entry says so.
    if (!isToolFinding(automatic) && ownsSchedule(automatic)) {
      return [
        entry(
          { tool, sampler: name },
          { detail: 'Walks its own timesteps: it comes in no Karras or other schedule variant' },
        ),
      ];
    }
    return schedules.map(({ name: schedule }) => {
      const resolved = resolveToolSampler(tool, name, schedule);
      const spec = { tool, sampler: name, ...(schedule !== 'Automatic' && { schedule }) };
      return entry(spec, isToolFinding(resolved) ? { unavailable: resolved.message } : {});
    });
  });
}

function ownsSchedule(r: ResolvedToolSampler): boolean {
  const s = r.schedule;
  return !!r.modelRange || (s.tool === 'a1111' && (s.type === 'DDIM timesteps' || s.type === 'UniPC times'));
}

function diffusersOptions(): SamplerOption[] {
  return schedulerClassNames.flatMap((className) => {
    const spec = SCHEDULER_CLASSES[className];
    const spacing = spec.usesSpacing && 'timestep_spacing' in spec.keys;
    const a1111 = a1111SamplerOfClass(className);
    const option = (sigmas?: (typeof SIGMA_OPTIONS)[number]): SamplerOption => ({
      id: diffusersSamplerId(className, sigmas?.[0]),
      group: 'diffusers',
      label: sigmas ? `${className} · ${sigmas[1]} σ` : className,
      ...(a1111 && { detail: `A1111 ${a1111}` }),
      scheduler: { _class_name: className, ...(sigmas && { [`use_${sigmas[0]}_sigmas`]: true }) },
      spacing,
    });
    const variants = SIGMA_OPTIONS.filter(([s]) => `use_${s}_sigmas` in spec.keys);
    return [option(), ...variants.map(option)];
  });
}

/** The picker entry that runs what a restored run ran: the diffusers entry of its class and σ option, or the
 * tool entry of the same name ("DPM++ 2M Karras"), else one its tool resolves to the same sampler and
 * schedule (aliases such as k_dpmpp_2m). */
export function samplerFor(
  options: readonly SamplerOption[],
  ran: { scheduler?: Record<string, unknown>; toolSampler?: ToolSamplerSpec },
): SamplerOption | undefined {
  const tool = ran.toolSampler;
  if (tool) {
    const label = toolSamplerLabel(tool);
    const resolved = JSON.stringify(resolveToolSampler(tool.tool, tool.sampler, tool.schedule));
    const ofTool = options.filter((o) => o.group === tool.tool && !o.unavailable);
    return (
      ofTool.find((o) => o.label === label) ??
      ofTool.find((o) => {
        const t = o.toolSampler!;
        return JSON.stringify(resolveToolSampler(t.tool, t.sampler, t.schedule)) === resolved;
      })
    );
  }
  const className = ran.scheduler?._class_name;
  if (typeof className !== 'string') return undefined;
  const sigmas = SIGMA_OPTIONS.find(([s]) => ran.scheduler![`use_${s}_sigmas`] === true)?.[0];
  return options.find((o) => o.id === diffusersSamplerId(className, sigmas));
}
