// Worker threads beside the engine: the bundled file in dist/, or from source the .ts through tsx's require
// hook (a worker does not get the engine's `--import tsx` loader in time on Node 20).
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';

/** Starts the worker whose entry is src/engine/<name>.ts (dist/<name>.js in the bundle). */
export function startEngineWorker(name: string): Worker {
  return __filename.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, `${name}.ts`))});`, { eval: true })
    : new Worker(join(__dirname, `${name}.js`));
}
