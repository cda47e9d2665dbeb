// A finished run's sampler and guidance in words, the same in every panel that lists runs (the workbench's
// status line, the gallery's tooltips).
import { TOOL_LABELS } from '../core/kdiffusion/toolSamplers';
import { classNameOf } from './run';
import type { RunSummary } from './workbench';
import { toolSamplerLabel } from './workbenchSampler';

/** The sampler as the tool the run named it from spells it ("A1111 Euler a"), else the diffusers class. */
export function runSamplerLabel({ spec, schedulerClass }: Pick<RunSummary, 'spec' | 'schedulerClass'>): string {
  if (spec.toolSampler) return `${TOOL_LABELS[spec.toolSampler.tool]} ${toolSamplerLabel(spec.toolSampler)}`;
  return schedulerClass || (classNameOf(spec.scheduler) ?? "model's scheduler");
}

/** "CFG 7.5"; an LCM takes its guidance as an embedding and runs no CFG, so there it is "guidance 8.5
 * (embedded)". Undefined where the spec has none yet (a run still queued on the model's default). */
export function runGuidanceLabel({ spec, family }: Pick<RunSummary, 'spec' | 'family'>): string | undefined {
  const g = spec.guidanceScale;
  if (g === undefined) return undefined;
  return family === 'lcm' ? `guidance ${g} (embedded)` : `CFG ${g}`;
}
