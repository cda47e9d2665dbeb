// Reads a fixture model folder's JSON files into ModelFolderFacts (graphs left to the caller).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphIo, JsonObject, ModelFolderFacts } from '../../../../src/core/model/modelFacts';

export const MODELS = join(__dirname, '..', '..', '..', 'fixtures', 'models');

function readJson(path: string): JsonObject | undefined {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as JsonObject : undefined;
}

export function componentFolders(dir: string): string[] {
  return readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory());
}

export function folderFacts(name: string, graphs: Record<string, GraphIo> = {}): ModelFolderFacts {
  const dir = join(MODELS, name);
  const folders = componentFolders(dir);
  const configs = Object.fromEntries(folders.map((f) =>
    [f, readJson(join(dir, f, f === 'scheduler' ? 'scheduler_config.json' : 'config.json'))]));
  return { modelIndex: readJson(join(dir, 'model_index.json')), configs, graphs, folders };
}
