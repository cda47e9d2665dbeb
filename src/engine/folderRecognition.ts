// Which model family a loaded folder is (src/core/model/modelFamily.ts), from its JSON files and the
// inputs and outputs of the graphs the engine opened, and the refusal of folders it cannot run.
import { join } from 'node:path';
import type { GraphIo } from '../core/model/modelFacts';
import { recognizeModelFamily, type ModelFamilyReport } from '../core/model/modelFamily';
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

/** Families the engine does not run as the run's model (they load, for another role), and why. */
const NOT_RUN: Partial<Record<ModelFamilyReport['family'], string>> = {
  'sdxl-refiner':
    'an SDXL refiner (time_ids with an aesthetic score) runs only as the second stage of an SDXL base: ' +
    'give it as the refiner (--refiner) of an SDXL model',
};

/** Refuses a family the engine cannot run as the run's model, naming the UNet file and why. */
export function refuseFamily(dir: string, report: ModelFamilyReport): void {
  const why = NOT_RUN[report.family];
  if (!why) return;
  const file = join(dir, 'unet', 'model.onnx');
  throw new EngineFailure('MODEL_INVALID', `${file}: ${why}`, { file });
}

/** Refuses a folder the recognizer found an error in, naming the component folder and what is wrong. */
export function refuseFindings(dir: string, report: ModelFamilyReport): void {
  const error = report.findings.find((f) => f.severity === 'error');
  if (!error) return;
  const file = join(dir, String(error.path[0]));
  throw new EngineFailure('MODEL_INVALID', `${file}: ${error.message}`, { file });
}
