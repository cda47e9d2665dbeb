// The sampler picker's choices, read from the core's class table: every class the registry builds,
// whether its timestep spacing acts, and which σ schedules its config offers.
import { SCHEDULER_CLASSES, schedulerClassNames } from '../../core/index';
import type { SamplerOption } from '../../protocol/workbench';
import { a1111SamplerOfClass } from '../../runs/toolEquivalents';

export function samplerOptions(): SamplerOption[] {
  return schedulerClassNames.map((className) => {
    const spec = SCHEDULER_CLASSES[className];
    const sigmas = (['karras', 'exponential', 'beta'] as const).filter((s) => `use_${s}_sigmas` in spec.keys);
    return {
      className,
      a1111: a1111SamplerOfClass(className),
      spacing: spec.usesSpacing && 'timestep_spacing' in spec.keys,
      sigmas,
    };
  });
}
