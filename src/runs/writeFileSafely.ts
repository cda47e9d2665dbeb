// Writes a file whole or not at all: the bytes go to a temporary file beside the target, which then
// takes the final name (link() refuses an existing name atomically; rename() replaces it, used only
// with `force`). The CLI's outputs and a sweep's folder both write this way.
import { existsSync, linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export function writeFileSafely(path: string, data: Uint8Array, force: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
  writeFileSync(temp, data, { flag: 'wx' });
  try {
    if (force) renameSync(temp, path);
    else linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`${path} already exists (use --force to replace)`, { cause: err });
    throw err;
  } finally {
    if (existsSync(temp)) unlinkSync(temp);
  }
}
