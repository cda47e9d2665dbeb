// A fixture folder's ModelFolderFacts with every component graph's inputs and outputs read as the engine
// reads them (OnnxModel over onnxruntime-node's session metadata), the vae_encoder included.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphIo, ModelFolderFacts } from '../../../src/core/model/modelFacts';
import { folderJsonFacts } from '../../../src/modelFolder/folderFacts';
import { graphIo } from '../../../src/engine/folderRecognition';
import { OnnxModel } from '../../../src/engine/onnxModel';
import { MODELS } from '../core/model/folderJson';

export async function onnxFolderFacts(folder: string): Promise<ModelFolderFacts> {
  const dir = join(MODELS, folder);
  const graphs: Record<string, GraphIo> = {};
  for (const component of folderJsonFacts(dir).folders.filter((c) => existsSync(join(dir, c, 'model.onnx')))) {
    const m = await OnnxModel.create(join(dir, component, 'model.onnx'), component, 'cpu');
    graphs[component] = graphIo(m);
    await m.release();
  }
  return folderJsonFacts(dir, graphs);
}
