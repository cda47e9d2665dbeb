// A model folder's fit (src/protocol/modelFit.ts) read from disk without onnxruntime, from its JSON files
// and its graphs' inputs, so that a sweep (as it is typed, and before it runs) and the workbench's form are
// checked against the model. Remembered by the folder's files' sizes and mtimes: a keystroke costs a stat of
// each file.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { familyRefusal, findingRefusal } from '../core/model/familyRefusal';
import { recognizeModelFamily } from '../core/model/modelFamily';
import { folderFacts } from '../modelFolder/folderFacts';
import { folderSignature, readModelFolder } from '../modelFolder/modelFolder';
import { modelFit, type ModelFit } from '../protocol/modelFit';
import type { SweepFiles } from '../protocol/sweep';

const known = new Map<string, { signature: string; fit: ModelFit | string }>();

/** Looks model folders up relative to `baseDir` (a sweep file's folder), each once for this reader: a
 * sweep's checks ask for a folder once per distinct cell. */
export function modelFitReader(baseDir: string): SweepFiles['model'] {
  const read = new Map<string, ModelFit | string>();
  return (modelDir) => {
    const dir = resolve(baseDir, modelDir);
    if (!read.has(dir)) read.set(dir, readModelFit(dir));
    return read.get(dir)!;
  };
}

/** The fit of the model folder `dir`, or why it cannot run. */
export function readModelFit(dir: string): ModelFit | string {
  const signature = signatureOf(dir);
  const cached = known.get(dir);
  if (signature !== undefined && cached?.signature === signature) return cached.fit;
  const fit = readFit(dir);
  if (signature !== undefined) known.set(dir, { signature, fit });
  return fit;
}

/** The folder's files' signature; undefined where it has no UNet (readFit says why, each time, cheaply):
 * a path typed on the way to a model folder ("/", a home folder) is not walked. */
function signatureOf(dir: string): string | undefined {
  try {
    return existsSync(join(dir, 'unet', 'model.onnx')) ? folderSignature(dir) : undefined;
  } catch {
    return undefined;
  }
}

function readFit(dir: string): ModelFit | string {
  try {
    const folder = readModelFolder(dir);
    const { facts } = folderFacts(dir);
    const family = recognizeModelFamily(facts);
    const refusal = findingRefusal(family) ?? familyRefusal(family);
    if (refusal) return `${join(dir, refusal.component)}: ${refusal.message}`;
    return modelFit(folder, family, facts.graphs.unet!, facts.graphs.vae_decoder);
  } catch (err) {
    return (err as Error).message;
  }
}
