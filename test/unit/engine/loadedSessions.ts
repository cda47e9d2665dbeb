// In-process sessions of fixture folders for tests of the engine's own functions, released after the file's tests.
import { after } from 'node:test';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import { loadSessions, type ModelSessions } from '../../../src/engine/modelSessions';
import { model } from './fixtures';

const loaded: ModelSessions[] = [];
const components = (s: ModelSessions) => [s.unet, s.textEncoder, s.textEncoder2, s.vaeDecoder];
after(() =>
  Promise.all([
    ...loaded.flatMap(components).flatMap((m) => (m ? [m.release()] : [])),
    ...loaded.map((s) => s.unetPeer?.release()),
  ]),
);

/** The CPU sessions of fixture folder `folder`. */
export async function sessions(folder: string): Promise<ModelSessions> {
  const s = await loadSessions(readModelFolder(model(folder)), 'cpu');
  loaded.push(s);
  return s;
}
