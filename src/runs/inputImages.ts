// The host reads a run's input images (init image, mask): decoded to 8-bit RGBA for the engine
// (decodeImage.ts), and hashed (SHA-256 of the file's bytes) for the run record.
import type { Stats } from 'node:fs';
import { readProblem, readWholeFile } from '../modelFolder/fileStat';
import type { RgbaPixels, RunImages } from '../protocol/engine';
import { RUN_LIMITS, type RunSpec } from '../protocol/run';
import { decodeImage, ImageTooLarge, sha256Of } from './decodeImage';

/** An input file as the record keeps it. */
export interface InputFile {
  path: string;
  sha256: string;
  width: number;
  height: number;
}

export interface RunInputs {
  images: RunImages;
  files: { initImage?: InputFile; mask?: InputFile };
}

/** A problem with an input image, naming the spec field it came from. */
export class RunInputError extends Error {
  constructor(
    readonly field: 'initImage' | 'mask',
    message: string,
  ) {
    super(message);
    this.name = 'RunInputError';
  }
}

/** The spec's input images read and checked; undefined for a run without any. */
export async function readRunInputs(spec: RunSpec): Promise<RunInputs | undefined> {
  if (spec.initImage === undefined) return undefined;
  const init = await readImageFile(spec.initImage, 'initImage');
  const inputs: RunInputs = { images: { init: init.pixels }, files: { initImage: init.file } };
  if (spec.mask !== undefined) {
    const mask = await readImageFile(spec.mask, 'mask');
    if (mask.file.width !== init.file.width || mask.file.height !== init.file.height) {
      const size = (f: InputFile) => `${f.width}x${f.height}`;
      const sizes = `${size(mask.file)} but the init image is ${size(init.file)}`;
      throw new RunInputError('mask', `mask ${spec.mask} is ${sizes}; they must be the same size`);
    }
    inputs.images.mask = mask.pixels;
    inputs.files.mask = mask.file;
  }
  return inputs;
}

/** Why an input image file cannot be used, from its stat (statOf), as a phrase after its path: what
 * readProblem says at the run's byte limit, or empty. The run, the workbench's init image and a sweep's
 * checks say the same. */
export function imageFileProblem(stat: Stats | string): string | undefined {
  const problem = readProblem(stat, RUN_LIMITS.imageFileBytes);
  return problem ?? ((stat as Stats).size === 0 ? 'is empty' : undefined);
}

/** The spec fields that name input images, as messages name them. */
export const IMAGE_LABELS: Readonly<Record<RunInputError['field'], string>> = { initImage: 'init image', mask: 'mask' };

async function readImageFile(
  path: string,
  field: RunInputError['field'],
): Promise<{ pixels: RgbaPixels; file: InputFile }> {
  const label = IMAGE_LABELS[field];
  const fail = (why: string) => new RunInputError(field, `${label} ${path}: ${why}`);
  let bytes: Buffer;
  try {
    bytes = readWholeFile(path, imageFileProblem);
  } catch (err) {
    throw new RunInputError(field, `${label} ${(err as Error).message}`);
  }
  const sha256 = sha256Of(bytes);
  let pixels: RgbaPixels;
  try {
    pixels = await decodeImage(bytes, RUN_LIMITS.side.max, { sha256, keep: true });
  } catch (err) {
    throw fail(err instanceof ImageTooLarge ? err.message : `cannot decode it: ${(err as Error).message}`);
  }
  if (pixels.width < 1 || pixels.height < 1) throw fail(`the image is empty (${pixels.width}x${pixels.height})`);
  const { width, height } = pixels;
  return { pixels, file: { path, sha256, width, height } };
}
