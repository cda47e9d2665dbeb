// Everything a model folder says about itself, read from disk for the pure family recogniser
// (src/core/model/): model_index.json, each component's config, and each graph's inputs and outputs
// (from the protobuf, without loading a model).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphIo, JsonObject, ModelFolderFacts } from '../core/model/modelFacts';
import { readJson } from './modelFolder';
import { readOnnxGraphInfo, type OnnxGraphInfo } from './onnxGraphInfo';

export function componentFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** The JSON half of the facts; `graphs` as given (the engine's come from its sessions). */
export function folderJsonFacts(dir: string, graphs: Record<string, GraphIo> = {}): ModelFolderFacts {
  const folders = componentFolders(dir);
  const configFile = (f: string) => join(dir, f, f === 'scheduler' ? 'scheduler_config.json' : 'config.json');
  const configs: Record<string, JsonObject | undefined> = Object.fromEntries(
    folders.map((f) => [f, readJson(configFile(f), false)]),
  );
  return { modelIndex: readJson(join(dir, 'model_index.json'), false), configs, graphs, folders };
}

/** The facts with every component's graph read from its model.onnx; `graphInfo` keeps the details. */
export function folderFacts(dir: string): { facts: ModelFolderFacts; graphInfo: Record<string, OnnxGraphInfo> } {
  const graphInfo: Record<string, OnnxGraphInfo> = {};
  for (const component of componentFolders(dir)) {
    const path = join(dir, component, 'model.onnx');
    if (existsSync(path)) graphInfo[component] = readOnnxGraphInfo(path);
  }
  return { facts: folderJsonFacts(dir, graphInfo), graphInfo };
}
