// A fixture folder's ModelFolderFacts with each graph's inputs and outputs read the way the engine reads them:
// from onnxruntime-node's session metadata.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { GraphIo, ModelFolderFacts, TensorInfo } from '../../../src/core/model/modelFacts';
import { folderFacts, MODELS } from '../core/model/folderJson';

function tensors(metadata: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return metadata.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

export async function session(folder: string, component: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(MODELS, folder, component, 'model.onnx'));
}

export async function onnxFolderFacts(folder: string): Promise<ModelFolderFacts> {
  const json = folderFacts(folder);
  const graphs: Record<string, GraphIo> = {};
  for (const component of json.folders.filter((c) => existsSync(join(MODELS, folder, c, 'model.onnx')))) {
    const s = await session(folder, component);
    graphs[component] = { inputs: tensors(s.inputMetadata), outputs: tensors(s.outputMetadata) };
    await s.release();
  }
  return { ...json, graphs };
}
