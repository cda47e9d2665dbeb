// What the workbench form needs of a model's family (src/core/model/modelFamily.ts, told from the folder's
// JSON files): the guidance and steps it is meant to run at, its own scheduler, whether the tools' samplers
// run it, and whether it takes SDXL micro-conditioning.
import { recognizeModelFamily } from '../../core/model/modelFamily';
import { toolSamplerRefusal } from '../../core/model/toolSamplerSupport';
import { folderJsonFacts } from '../../modelFolder/folderFacts';
import type { ModelFolder } from '../../modelFolder/modelFolder';
import type { ModelOption } from '../../protocol/workbench';

type FamilyFields = Pick<
  ModelOption,
  'family' | 'guidanceScale' | 'steps' | 'schedulerLabel' | 'toolSamplersWhy' | 'microConditioning'
>;

export function familyOption(folder: ModelFolder): FamilyFields {
  // The configs tell the family without opening the graphs (model lists stay quick with multi-GB UNets).
  const report = recognizeModelFamily(folderJsonFacts(folder.dir));
  const config = folder.schedulerConfig;
  const spacing = typeof config.timestep_spacing === 'string' ? `, ${config.timestep_spacing} timesteps` : '';
  return {
    family: report.family,
    guidanceScale: folder.guidanceScale ?? report.recommended.guidance,
    steps: folder.steps ?? report.recommended.steps,
    schedulerLabel: `${report.recommended.scheduler}${spacing}`,
    toolSamplersWhy: toolSamplerRefusal(config),
    microConditioning: report.architecture === 'sdxl',
  };
}
