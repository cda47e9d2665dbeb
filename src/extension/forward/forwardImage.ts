// Reads an image file for the forward-process view: PNG or JPEG, decoded as a run's input images are
// (src/runs/inputImages.ts), downsized so the longest side is at most MAX_FORWARD_SIDE (by
// core/image/boxDownsize.ts, on the decoding thread). No vscode here, so it is unit-tested.
import type { ForwardImage } from '../../protocol/forward';
import { decodeImage, type Decoded } from '../../runs/decodeImage';

/** The longest side the view draws: 512² keeps a redraw of several schedules within a frame. */
export const MAX_FORWARD_SIDE = 512;

/** The longest side of a file the view reads (a 45-megapixel camera's 8192×5464): the host decodes the
 * whole image before downsizing it, 4 bytes a pixel. */
export const MAX_FORWARD_SOURCE_SIDE = 8192;

/** The view's image from a file's bytes; an Error names the file and what is wrong with it. */
export async function readForwardImage(bytes: Uint8Array, label: string): Promise<ForwardImage> {
  if (bytes.length === 0) throw new Error(`${label} is empty`);
  let image: Decoded;
  try {
    image = await decodeImage(bytes, MAX_FORWARD_SOURCE_SIDE, { fitSide: MAX_FORWARD_SIDE });
  } catch (error) {
    throw new Error(`${label} could not be read: ${(error as Error).message}`, { cause: error });
  }
  const { width, height } = image.original ?? image;
  if (width === 0 || height === 0) throw new Error(`${label} has no pixels (${width}×${height})`);
  return { label, ...image };
}
