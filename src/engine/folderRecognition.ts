// Which model family a loaded folder is (src/core/model/modelFamily.ts), from its JSON files and the
// inputs and outputs of the graphs the engine opened, and the refusal of folders it cannot run.
import { join } from 'node:path';
import type { GraphIo } from '../core/model/modelFacts';
import { recognizeModelFamily, type ModelFamilyReport } from '../core/model/modelFamily';
import { familyRefusal, findingRefusal, type FamilyRefusal } from '../core/model/familyRefusal';
import { folderJsonFacts } from '../modelFolder/folderFacts';
import { EngineFailure } from './engineFailure';
import type { OnnxModel } from './onnxModel';

export function graphIo(m: OnnxModel): GraphIo {
  return { inputs: m.inputs, outputs: m.outputs };
}

/** The family of the folder `dir` whose components (by folder name) are open. */
export function recognizeLoaded(dir: string, components: Record<string, OnnxModel | undefined>): ModelFamilyReport {
  const graphs = Object.fromEntries(Object.entries(components).flatMap(([name, m]) => (m ? [[name, graphIo(m)]] : [])));
  return recognizeModelFamily(folderJsonFacts(dir, graphs));
}

/** Refuses a family the engine cannot run as the run's model, naming the UNet file and why. */
export function refuseFamily(dir: string, report: ModelFamilyReport): void {
  refuse(dir, familyRefusal(report));
}

/** Refuses a folder the recognizer found an error in, naming the component folder and what is wrong. */
export function refuseFindings(dir: string, report: ModelFamilyReport): void {
  refuse(dir, findingRefusal(report));
}

function refuse(dir: string, refusal: FamilyRefusal | undefined): void {
  if (!refusal) return;
  const file = join(dir, refusal.component);
  throw new EngineFailure('MODEL_INVALID', `${file}: ${refusal.message}`, { file });
}
