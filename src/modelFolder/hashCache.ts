// The model hash (modelFolder.ts) kept across processes beside the optimized graphs: hashing reads every
// byte of the UNet's weights (3.4 GB for SD 1.5, seconds per cold start; 5–10 ms for the default model),
// which every new engine process would otherwise repeat. Keyed as the in-process memo is, by the hashed
// files' paths, sizes and modification times. A file that cannot be read or written is only a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { modelHash, modelHashKey, type ModelFolder } from './modelFolder';
import { removeQuietly } from './cacheFolder';

/** modelHash(folder), read from `cacheDir` when an earlier process kept it there (no cache: computed). */
export function cachedModelHash(folder: ModelFolder, cacheDir: string | undefined): string {
  if (!cacheDir) return modelHash(folder);
  const name = createHash('sha256').update(modelHashKey(folder)).digest('hex').slice(0, 24);
  const file = join(cacheDir, 'hashes', `${name}.sha256`);
  const kept = readQuietly(file);
  if (kept !== undefined && /^[0-9a-f]{64}$/.test(kept)) return kept;
  const hash = modelHash(folder);
  // Written under a temporary name and renamed, so a concurrent engine never reads half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, hash);
    renameSync(temporary, file);
  } catch {
    removeQuietly(temporary); // read-only or unusable cache folder: the next start hashes again
  }
  return hash;
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
