// Whether a file a user or a model folder names can be read whole, said as a phrase that follows its path
// ("/x/a.json does not exist"): the JSON and schedule files, the input images.
import { readFileSync, statSync, type Stats } from 'node:fs';

/** A file-system error as such a phrase: nothing there (ENOENT; ENOTDIR, a file where a folder of the path
 * should be), else the error's code. */
export function whyNot(err: unknown): string {
  const { code, message } = err as NodeJS.ErrnoException;
  return code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? message})`;
}

/** The file's stat, or why there is none. */
export function statOf(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (err) {
    return whyNot(err);
  }
}

/** Why a file cannot be read whole: no stat, not a regular file (a FIFO or a device would block the read or
 * never end), or over `maxBytes`. */
export function readProblem(stat: Stats | string, maxBytes: number): string | undefined {
  if (typeof stat === 'string') return stat;
  if (!stat.isFile()) return 'is not a regular file';
  return stat.size > maxBytes ? `is ${stat.size} bytes, more than ${maxBytes}` : undefined;
}

/** A file's bytes, read whole once `problemOf` finds nothing against its stat (readProblem, or a caller's
 * stricter check). Throws an Error that says why, after the path. */
export function readWholeFile(path: string, problemOf: (stat: Stats | string) => string | undefined): Buffer {
  const problem = problemOf(statOf(path));
  if (problem) throw new Error(`${path} ${problem}`);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${path} ${whyNot(err)}`, { cause: err });
  }
}
