// Output files of the CLI: never replace an existing file unless --force, and never leave a half
// written one: bytes go to a temporary file beside the target, which then takes the final name
// (link() refuses an existing name atomically; rename() replaces it, used only with --force).
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { FinishedRun } from '../runs/executeRun';
import { writeFileSafely } from '../runs/writeFileSafely';

export { writeFileSafely };

/** out.png for one image; out.png, out-2.png, … for a batch. Throws when one exists without force. */
export function outputPaths(out: string, batch: number, force: boolean): string[] {
  if (basename(out) === '-')
    throw new Error('--out - (standard output) is not supported: give a file name such as out.png');
  if (existsSync(out) && statSync(out).isDirectory())
    throw new Error(`--out ${out} is a folder: give a file name such as ${join(out, 'out.png')}`);
  const ext = extname(out) || '.png';
  const stem = join(dirname(out), basename(out, extname(out)));
  const paths = Array.from({ length: batch }, (_, i) => (i === 0 ? `${stem}${ext}` : `${stem}-${i + 1}${ext}`));
  if (!force) {
    const taken = paths.filter((p) => existsSync(p));
    if (taken.length)
      throw new Error(`${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''} (use --force to replace)`);
  }
  return paths;
}

const DUMP_FILES = ['latents.f32', 'image.f32', 'meta.json'];

/** Refuses a --dump folder whose files exist (unless force), before the run writes anything. */
export function checkDumpFolder(dir: string, force: boolean): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--dump ${dir} is a file, not a folder`);
  const taken = DUMP_FILES.map((f) => join(dir, f)).filter((p) => existsSync(p));
  if (taken.length && !force) throw new Error(`${taken.join(', ')} already exist (use --force to replace)`);
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
