// A fixture model folder's JSON files as ModelFolderFacts (graphs left to the caller).
import { join } from 'node:path';
import type { GraphIo, ModelFolderFacts } from '../../../../src/core/model/modelFacts';
import { folderJsonFacts } from '../../../../src/modelFolder/folderFacts';

export const MODELS = join(__dirname, '..', '..', '..', 'fixtures', 'models');

export function folderFacts(name: string, graphs: Record<string, GraphIo> = {}): ModelFolderFacts {
  return folderJsonFacts(join(MODELS, name), graphs);
}
