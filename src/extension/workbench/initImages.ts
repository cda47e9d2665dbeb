// The workbench's init images and painted masks on the host. Each image the panel may start from is
// registered under an id (the webview never names a path); bytes that came from the panel (a dropped
// file, a painted mask, an unsaved output) are written once, named by their hash, into a folder of
// the extension's storage, so the run record's input path and SHA-256 point at a file that stays.
// No vscode here, so the conversion to RunSpec fields is unit-tested.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RUN_LIMITS } from '../../protocol/run';
import {
  validateImageInput,
  type ImageInputErrors,
  type ImageInputForm,
  type InitImageInfo,
  type RunImageFields,
} from '../../protocol/workbenchImage';
import { decodeImage } from '../../runs/decodeImage';
import { imageFileProblem } from '../../runs/inputImages';
import { whyNot } from '../../modelFolder/fileStat';
import { imageFormat } from '../../core/image/imageFormat';

interface Registered {
  path: string;
  width: number;
  height: number;
}

/** The spec fields of an image input, or what is wrong with it, by field. */
export type ImageSpecResult = { fields: RunImageFields } | { errors: ImageInputErrors };

export class InitImages {
  private readonly images = new Map<string, Registered>();

  /** `dir`: where bytes from the panel are kept (created when first needed). */
  constructor(private readonly dir: string) {}

  /** Registers a file the user chose; an Error names the file and what is wrong with it. */
  async fromFile(path: string): Promise<InitImageInfo> {
    const label = basename(path);
    return this.register(path, label, await readInitImageBytes(path, label));
  }

  /** Registers bytes from the panel (a dropped file, an output): kept as a file named by their hash. */
  async fromBytes(name: string, bytes: Uint8Array): Promise<InitImageInfo> {
    const label = basename(name) || 'image';
    const { width, height } = await decoded(label, bytes);
    const path = await this.keep(bytes, mimeOf(bytes) === 'image/png' ? '.png' : '.jpg');
    return this.add(path, label, bytes, width, height);
  }

  /** The spec fields of an image input: the registered init image's path, the painted mask kept as a
   * file (it must have the init image's size), strength, mask blur and inversion. */
  async specFields(input: ImageInputForm): Promise<ImageSpecResult> {
    const { fields, errors } = validateImageInput(input);
    if (!fields) return { errors };
    const init = this.images.get(input.initImageId);
    if (!init) return { errors: { initImage: 'That init image is no longer loaded: choose it again.' } };
    if (input.mode !== 'inpaint' || !input.mask) return { fields: { initImage: init.path, ...fields } };
    let mask: { width: number; height: number };
    try {
      mask = await decodeImage(input.mask, RUN_LIMITS.side.max, { keep: true });
    } catch (error) {
      return { errors: { mask: `The mask could not be read: ${(error as Error).message}.` } };
    }
    if (mask.width !== init.width || mask.height !== init.height) {
      const message = `The mask is ${mask.width}×${mask.height} but the init image is ${init.width}×${init.height}.`;
      return { errors: { mask: message } };
    }
    return { fields: { initImage: init.path, ...fields, mask: await this.keep(input.mask, '.png', 'mask-') } };
  }

  /** Checks a mask file against an init image's size; an Error says what does not fit. */
  async checkMask(initImageId: string, label: string, bytes: Uint8Array): Promise<InitImageInfo['mime']> {
    const mask = await decoded(label, bytes);
    const init = this.images.get(initImageId);
    if (init && (mask.width !== init.width || mask.height !== init.height)) {
      const sizes = `${mask.width}×${mask.height} but the init image is ${init.width}×${init.height}`;
      throw new Error(`mask ${label} is ${sizes}; a mask must have the image's size`);
    }
    return mimeOf(bytes);
  }

  private async register(path: string, label: string, bytes: Uint8Array): Promise<InitImageInfo> {
    const { width, height } = await decoded(label, bytes);
    return this.add(path, label, bytes, width, height);
  }

  private add(path: string, label: string, bytes: Uint8Array, width: number, height: number): InitImageInfo {
    const id = randomUUID();
    this.images.set(id, { path, width, height });
    return { id, label, width, height, bytes: new Uint8Array(bytes), mime: mimeOf(bytes) };
  }

  /** Writes bytes once under their hash; returns the path. */
  private async keep(bytes: Uint8Array, ext: string, prefix = ''): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${prefix}${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}${ext}`);
    // The name is the content's hash: a file already there holds these bytes.
    await writeFile(path, bytes, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    return path;
  }
}

/** An input image file's bytes, refused first as a run refuses it (imageFileProblem), `label` naming it. */
export async function readInitImageBytes(path: string, label: string): Promise<Uint8Array> {
  const problem = imageFileProblem(await stat(path).catch(whyNot));
  if (problem) throw new Error(`${label} ${problem}`);
  return new Uint8Array(await readFile(path));
}

/** The image's size; decoded as a run will decode it, and kept for that run. */
async function decoded(label: string, bytes: Uint8Array): Promise<{ width: number; height: number }> {
  if (bytes.length === 0) throw new Error(`${label} is empty`);
  let image: { width: number; height: number };
  try {
    image = await decodeImage(bytes, RUN_LIMITS.side.max, { keep: true });
  } catch (error) {
    return fail(label, (error as Error).message);
  }
  if (image.width < 1 || image.height < 1) fail(label, `the image is empty (${image.width}×${image.height})`);
  return image;
}

function mimeOf(bytes: Uint8Array): InitImageInfo['mime'] {
  return imageFormat(bytes) === 'png' ? 'image/png' : 'image/jpeg';
}

function fail(label: string, why: string): never {
  throw new Error(`${label} cannot be used as an image: ${why}`);
}
