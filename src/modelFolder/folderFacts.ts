// A model folder's JSON files and component folders as ModelFolderFacts, for recognizeModelFamily
// (src/core/model); the graphs' inputs and outputs come from whoever opened them (the engine).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphIo, JsonObject, ModelFolderFacts } from '../core/model/modelFacts';
import { readJson } from './modelFolder';

/** model_index.json, every component folder and its config.json (the scheduler's scheduler_config.json). */
export function folderJsonFacts(dir: string, graphs: Record<string, GraphIo> = {}): ModelFolderFacts {
  const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const config = (f: string) => join(dir, f, f === 'scheduler' ? 'scheduler_config.json' : 'config.json');
  const configs: Record<string, JsonObject | undefined> = Object.fromEntries(
    folders.map((f) => [f, readJson(config(f), false)]),
  );
  return { modelIndex: readJson(join(dir, 'model_index.json'), false), configs, graphs, folders };
}
