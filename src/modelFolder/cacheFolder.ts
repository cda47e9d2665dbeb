// Where Diffusion Lab keeps what it works out once per model and machine: onnxruntime's optimized graphs
// (src/engine/graphCache.ts), model hashes (hashCache.ts) and the engine's code cache. The engine and the
// host both read it, so it lives outside src/engine (whose graph cache loads onnxruntime-node).
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The environment variable that moves the cache; `off` turns it off. */
export const GRAPH_CACHE_ENV = 'DIFFUSION_LAB_ORT_CACHE';

/** The cache folder: $DIFFUSION_LAB_ORT_CACHE, else diffusion-lab/ort in the OS's per-user cache folder;
 * undefined when the variable is `off`. */
export function graphCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env[GRAPH_CACHE_ENV];
  if (set === 'off') return undefined;
  if (set) return resolve(set);
  return join(userCacheDir(env), 'diffusion-lab', 'ort');
}

function userCacheDir(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches');
  return env.XDG_CACHE_HOME || join(homedir(), '.cache');
}

/** The cache is an optimisation: a file it cannot remove is left for the next attempt. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // e.g. ENOTDIR or EACCES: nothing was written there either
  }
}
