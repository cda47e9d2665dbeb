// The sampler picker's choices, taken from the core's registry: every class it builds, with the
// spacing and σ-schedule options that class's effective config has.
import { createScheduler, schedulerClassNames } from '../../core/index';
import { toA1111Sampler } from '../../engine/outputs/samplerNames';
import type { GenerateParams, SamplerOption, SigmaSchedule } from '../../protocol/workbench';

export function samplerOptions(): SamplerOption[] {
  return schedulerClassNames.map((className) => {
    const keys = createScheduler({ _class_name: className }).scheduler?.config ?? {};
    const sigmas = (['karras', 'exponential', 'beta'] as const).filter((s) => `use_${s}_sigmas` in keys);
    const a1111 = toA1111Sampler({ _class_name: className }).sampler;
    return { className, a1111: a1111 === className ? undefined : a1111, spacing: 'timestep_spacing' in keys, sigmas };
  });
}

/** The scheduler config keys a run sets over the model's own; undefined keeps the model's scheduler. */
export function schedulerOverrides(p: GenerateParams): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {};
  if (p.sampler) config._class_name = p.sampler;
  if (p.spacing !== 'default') config.timestep_spacing = p.spacing;
  if (p.sigmas !== 'default') config[`use_${p.sigmas}_sigmas`] = true;
  return Object.keys(config).length > 0 ? config : undefined;
}

/** The form's σ schedule for a scheduler config. */
export function sigmaScheduleOf(config: Record<string, unknown>): SigmaSchedule {
  return (['karras', 'exponential', 'beta'] as const).find((s) => config[`use_${s}_sigmas`] === true) ?? 'default';
}
