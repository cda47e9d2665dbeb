// Image files to 8-bit RGBA on the host, for a run's inputs, the forward-process view and a sweep's
// cells. The size a file declares is checked before it is decoded (imageHeader.ts); decoding, and any
// downsizing, run on a worker thread (imageThread.ts), so a photo never stalls the extension host.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { RUN_LIMITS } from '../protocol/run';
import { imageSize, type ImageSize } from './imageHeader';
import { decodeOnWorker, type Decoded } from './imageThread';

export type { Decoded } from './imageThread';

/** An image refused for its size alone: its message says so, and is whole without a prefix. */
export class ImageTooLarge extends Error {
  constructor({ width, height }: ImageSize, maxSide: number) {
    super(`${width}x${height} is larger than ${maxSide} on a side`);
    this.name = 'ImageTooLarge';
  }
}

/** What a header's size alone refuses: a side over `maxSide` (ImageTooLarge), or no pixels, where the decoders
 * would misread the data after it ("Unsupported filter: 5"). */
export function declaredSizeProblem(size: ImageSize, maxSide: number): Error | undefined {
  if (Math.max(size.width, size.height) > maxSide) return new ImageTooLarge(size, maxSide);
  if (Math.min(size.width, size.height) === 0)
    return new Error(`its header gives a size of ${size.width}x${size.height}: no pixels`);
  return undefined;
}

export interface DecodeOptions {
  /** The SHA-256 of the bytes, where the caller has it already. */
  sha256?: string;
  /** Downsize the image to this longest side (boxDownsize.ts); `original` is then its decoded size. */
  fitSide?: number;
  /** Keep the result among the last few images, for a caller that decodes the same file again. */
  keep?: boolean;
}

/** PNG or JPEG bytes (told apart by their signatures) → 8-bit RGBA. An image with a side over `maxSide` is
 * refused as ImageTooLarge, from its header before any decoding where the header gives its size. */
export async function decodeImage(bytes: Uint8Array, maxSide: number, options: DecodeOptions = {}): Promise<Decoded> {
  const { fitSide, keep } = options;
  const key = keep ? `${maxSide} ${fitSide ?? ''} ${options.sha256 ?? sha256Of(bytes)}` : undefined;
  const known = key === undefined ? undefined : recent.get(key);
  if (key && known) return remember(key, known);
  const declared = imageSize(bytes);
  const refused = declared && declaredSizeProblem(declared, maxSide);
  if (refused) throw refused;
  const decoded = await decodeOnWorker(bytes, maxSide, fitSide);
  const size = decoded.original ?? decoded;
  if (Math.max(size.width, size.height) > maxSide) throw new ImageTooLarge(size, maxSide);
  return key ? remember(key, decoded) : decoded;
}

/** The hex SHA-256 of a file's bytes, as run records name inputs and decodeImage keeps images. */
export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The images decoded last, by content: the workbench decodes an init image when it is chosen and again
 * for each run that starts from it, as one run after another does (a phone photo takes a second or more).
 * An init image and its mask, no larger than a run takes, let go after some minutes unused; their
 * pixels are only ever read. */
const recent = new LRUCache<string, Decoded>({ max: 2 });
const RECENT_MAX_BYTES = RUN_LIMITS.side.max ** 2 * 4;
const RECENT_FOR_MS = 5 * 60_000;
let letGo: ReturnType<typeof setTimeout> | undefined;

function remember(key: string, image: Decoded): Decoded {
  if (image.rgba.length > RECENT_MAX_BYTES) return image;
  recent.set(key, image);
  clearTimeout(letGo);
  letGo = setTimeout(() => recent.clear(), RECENT_FOR_MS).unref();
  return image;
}
