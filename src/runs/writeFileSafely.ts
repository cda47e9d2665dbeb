// Writes a file whole or not at all: the bytes go to a temporary file beside the target, which then takes the
// final name (link() refuses an existing name atomically; rename() replaces it, used only with `force`). The
// CLI's outputs, a sweep's folder and the extension's saved files (writeNewFile) all write this way.
import { existsSync, linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

/** A write that failed, with a message that says why in the user's terms and names the path. */
export class OutputWriteError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(`${describe(code)}: could not write ${path}`, { cause });
    this.name = 'OutputWriteError';
  }
}

function describe(code: string): string {
  switch (code) {
    case 'ENOSPC':
      return 'The disk is full';
    case 'EDQUOT':
      return 'The disk quota is used up';
    case 'EROFS':
      return 'The output folder is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'No permission to write to the output folder';
    case 'ENOTDIR':
    case 'EEXIST': // mkdir's answer where a file has the folder's name
      return 'The output folder path runs through a file';
    case 'EISDIR':
      return 'A folder has the output file name';
    case 'ENAMETOOLONG':
      return 'The name is too long for the file system';
    default:
      return `Writing failed (${code})`;
  }
}

/** A fresh temporary name in `dir`, 21 characters whatever the target's name: one made longer than the
 * target's would fail where the target's fits (ENAMETOOLONG). */
export function temporaryPath(dir: string): string {
  return join(dir, `.${randomBytes(6).toString('hex')}.partial`);
}

export function writeFileSafely(path: string, data: Uint8Array, force: boolean): void {
  const temp = temporaryPath(dirname(path));
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data, { flag: 'wx' });
    claim(temp, path, force);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code ? new OutputWriteError(code, path, err) : err;
  } finally {
    if (existsSync(temp)) unlinkSync(temp);
  }
}

/** Gives the temporary file its final name; an existing one only with `force`. */
function claim(temp: string, path: string, force: boolean): void {
  try {
    if (force) renameSync(temp, path);
    else linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`${path} already exists (use --force to replace)`, { cause: err });
    throw err;
  }
}
