// The one reader of JSON and schedule files a user or a model folder names (configs, sweeps, schedule
// files): each caller names the file its own way around the reason this gives.

import { readProblem, readWholeFile } from './fileStat';
import { tooDeepAt } from '../core/config/jsonNesting';

/** A text file read whole: a regular file of at most `maxBytes` (fileStat.ts), a UTF-8 byte-order mark read
 * past. Throws an Error whose message says why, after the path. */
export function readTextFile(path: string, maxBytes: number): string {
  const bytes = readWholeFile(path, (stat) => readProblem(stat, maxBytes));
  // Editors on Windows may start a UTF-8 file with a byte-order mark, which JSON.parse calls a bad token.
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** JSON text from a file as `readTextFile` reads it, nested at most `maxNesting` deep (recursive readers
 * of the value overflow the stack at a few thousand levels). */
export function readJsonFile(path: string, maxBytes: number, maxNesting: number): unknown {
  const text = readTextFile(path, maxBytes);
  const deep = tooDeepAt(text, maxNesting);
  if (deep !== undefined) throw new Error(`${path} is nested more than ${maxNesting} levels deep (at offset ${deep})`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}
