// The settings a run takes from its model when the spec leaves them out: the folder's own
// recommendation (`_diffusion_lab.guidance_scale` and `.steps`), else its family's (src/core/model/familyDefaults.ts:
// diffusers' pipeline defaults and the model cards'). The size is filled in by checkRequest.
import type { ModelFamilyReport } from '../core/model/modelFamily';
import type { DefaultedField, FamilyInfo } from '../protocol/engine';
import type { RunSpec } from '../protocol/run';
import type { ModelSessions } from './modelSessions';
import type { ResolvedSpec } from './requestCheck';

export function resolveSpec(spec: RunSpec, s: ModelSessions): { spec: ResolvedSpec; defaulted: DefaultedField[] } {
  const { recommended } = s.family;
  const defaulted = (['steps', 'guidanceScale', 'width', 'height'] as const).filter((f) => spec[f] === undefined);
  const guidanceScale = spec.guidanceScale ?? s.folder.guidanceScale ?? recommended.guidance;
  const steps = spec.steps ?? s.folder.steps ?? recommended.steps;
  return { spec: { ...spec, guidanceScale, steps }, defaulted };
}

/** What RunInfo reports of the folder's family (the fields defaulted are the run's). */
export function familyInfo(report: ModelFamilyReport): Omit<FamilyInfo, 'defaulted'> {
  const { family, optimumGeneration, predictionType, recommended } = report;
  return { family, optimumGeneration, predictionType, recommended: { ...recommended } };
}
