// Output files of the CLI. Every path a run will write is checked before the run starts, so an output that
// cannot be written costs no inference: a refusal names its flag (a usage error). The files are then written
// whole or not at all (writeFileSafely), never replacing an existing one unless --force.
import { accessSync, constants, lstatSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import type { FinishedRun } from '../runs/executeRun';
import { writeFileSafely } from '../runs/writeFileSafely';

export { writeFileSafely };

const DUMP_FILES = ['latents.f32', 'image.f32', 'meta.json'];

/** Linux's NAME_MAX and PATH_MAX (less the NUL), in bytes: the tightest limits of the common file systems. */
const NAME_MAX = 255;
const PATH_MAX = 4095;

/** The run's outputs: its images in order, and the --dump folder if one was asked for. */
export interface OutputPlan {
  images: string[];
  dump?: string;
}

/**
 * out.png for one image; out.png, out-2.png, … for a batch; and the --dump folder's files. Throws, naming
 * the flag, when one of them cannot be written: a name too long, a folder that cannot be created or written
 * in, a name taken (without --force; a folder or anything but a regular file even with it), or --out and
 * --dump in each other's way.
 */
export function planOutputs(out: string, batch: number, force: boolean, dump?: string): OutputPlan {
  const images = imagePaths(out, batch);
  checkFiles(`--out ${out}`, images, force);
  if (dump === undefined) return { images };
  if (dump === '') throw new Error('--dump needs a folder name');
  const dir = resolve(dump);
  const files = DUMP_FILES.map((f) => join(dir, f));
  const clash = images.find((p) => files.some((f) => f === p || f.startsWith(p + sep) || p.startsWith(f + sep)));
  if (clash) throw new Error(`--dump ${dump} and --out ${clash} are in each other's way: give them different names`);
  checkFiles(`--dump ${dump}`, files, force);
  return { images, dump: dir };
}

/** --out's image paths, absolute. A name ending in a separator or naming a folder is refused rather than
 * guessed at, as is any extension but .png: only PNG is written. */
function imagePaths(out: string, batch: number): string[] {
  if (basename(out) === '-')
    throw new Error('--out - (standard output) is not supported: give a file name such as out.png');
  // '/' ends a folder's name on every system, and on Windows '\\' does too.
  if (out.endsWith('/') || out.endsWith(sep) || isFolder(out))
    throw new Error(`--out ${out} names a folder: give a file name such as ${join(out, 'out.png')}`);
  if (extname(out).toLowerCase() !== '.png')
    throw new Error(`--out ${out}: only PNG images are written; give a name ending in .png`);
  const path = resolve(out);
  const stem = path.slice(0, -extname(path).length);
  return Array.from({ length: batch }, (_, i) => (i === 0 ? path : `${stem}-${i + 1}${extname(path)}`));
}

/** Whether `path` is a folder (or a link to one); any other problem with it is for the later checks to name. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Checks the files of one flag (`flag`: it and its value, for messages), all in one folder: their names, the
 * folder, and which names are taken. */
function checkFiles(flag: string, paths: string[], force: boolean): void {
  for (const path of paths) checkLength(flag, path);
  checkFolder(flag, dirname(paths[0]));
  // A broken symbolic link counts as taken: lstat, not stat, which would follow it to nothing.
  const taken = paths.flatMap((path) => {
    const stats = entry(flag, path);
    return stats ? [{ path, stats }] : [];
  });
  for (const { path, stats } of taken) {
    if (stats.isDirectory()) throw new Error(`${flag}: ${path} is a folder`);
    if (force && !stats.isFile()) throw new Error(`${flag}: ${path} is ${kind(stats)}; --force replaces files only`);
  }
  if (taken.length && !force) {
    const names = taken.map((t) => t.path).join(', ');
    throw new Error(`${flag}: ${names} already exist${taken.length === 1 ? 's' : ''} (use --force to replace)`);
  }
}

function checkLength(flag: string, path: string): void {
  const long = path.split(sep).find((name) => Buffer.byteLength(name) > NAME_MAX);
  if (long) throw new Error(`${flag}: the name ${long} is longer than ${NAME_MAX} bytes`);
  if (Buffer.byteLength(path) > PATH_MAX) throw new Error(`${flag}: ${path} is longer than ${PATH_MAX} bytes`);
}

/** The folder exists or can be created (its nearest existing ancestor is a folder), and can be written in. */
function checkFolder(flag: string, dir: string): void {
  let existing = dir;
  while (entry(flag, existing) === undefined && dirname(existing) !== existing) existing = dirname(existing);
  const stats = statSync(existing, { throwIfNoEntry: false });
  if (!stats) throw new Error(`${flag}: ${existing} is a broken symbolic link, not a folder`);
  if (!stats.isDirectory()) throw new Error(`${flag}: ${existing} is ${kind(stats)}, not a folder`);
  try {
    // Creating a file in a folder takes write and search permission on it.
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw new Error(`${flag}: ${existing} ${why}`, { cause: err });
  }
}

/** The entry at `path` itself (a link, not what it points to), or undefined when there is none. */
function entry(flag: string, path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Error(`${flag}: cannot look at ${path} (${code})`, { cause: err });
  }
}

function kind(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'a device or other special file';
}

/** --dump: final latents and the decoder's float output as little-endian float32, with meta.json
 * saying the shapes and the run, for parity checks against a PyTorch reference. */
export function writeDump(dir: string, run: FinishedRun, force: boolean): void {
  const t = run.tensors!;
  const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const [latents, image, metaFile] = DUMP_FILES;
  writeFileSafely(join(dir, latents), bytes(t.latents), force);
  writeFileSafely(join(dir, image), bytes(t.image), force);
  const meta = {
    dtype: 'float32',
    byteOrder: 'little',
    latents: {
      file: latents,
      shape: t.latentShape,
      note: 'final scheduler output, before division by the VAE scaling factor',
    },
    image: { file: image, shape: t.imageShape, note: 'decoder output, NCHW, about [-1, 1]' },
    info: run.info,
  };
  writeFileSafely(join(dir, metaFile), Buffer.from(JSON.stringify(meta, null, 1) + '\n'), force);
}
