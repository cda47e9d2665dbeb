// Reads an image file for the forward-process view: PNG or JPEG, decoded as a run's input images are
// (src/runs/inputImages.ts), downsized so the longest side is at most MAX_FORWARD_SIDE. No vscode
// here, so it is unit-tested.
import type { ForwardImage } from '../../protocol/forward';
import { decodeImage } from '../../runs/decodeImage';

/** The longest side the view draws: 512² keeps a redraw of several schedules within a frame. */
export const MAX_FORWARD_SIDE = 512;

/** The longest side of a file the view reads (a 45-megapixel camera's 8192×5464): the host decodes the
 * whole image before downsizing it, 4 bytes a pixel. */
export const MAX_FORWARD_SOURCE_SIDE = 8192;

export interface Rgba {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** The view's image from a file's bytes; an Error names the file and what is wrong with it. */
export function readForwardImage(bytes: Uint8Array, label: string): ForwardImage {
  if (bytes.length === 0) throw new Error(`${label} is empty`);
  let full: Rgba;
  try {
    full = decodeImage(bytes, MAX_FORWARD_SOURCE_SIDE);
  } catch (error) {
    throw new Error(`${label} could not be read: ${(error as Error).message}`, { cause: error });
  }
  if (full.width === 0 || full.height === 0) throw new Error(`${label} has no pixels (${full.width}×${full.height})`);
  const fitted = downsize(full, MAX_FORWARD_SIDE);
  const original = fitted === full ? undefined : { width: full.width, height: full.height };
  return { label, ...fitted, ...(original ? { original } : {}) };
}

/** The size rule: an image whose longest side exceeds `maxSide` is scaled by maxSide/longest, each
 * side rounded (at least 1 px); smaller images are kept as they are. */
export function fittedSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height };
  const scale = maxSide / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Downsizes by the size rule with a box filter: each output pixel is the mean of the source pixels
 * whose centres fall in its footprint (area averaging, so fine detail does not alias). */
export function downsize(image: Rgba, maxSide: number): Rgba {
  const { width, height } = fittedSize(image.width, image.height, maxSide);
  if (width === image.width && height === image.height) return image;
  const sx = image.width / width;
  const sy = image.height / height;
  const rgba = new Uint8Array(width * height * 4);
  const sum = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      sum.fill(0);
      for (let v = y0; v < y1; v++) {
        for (let u = x0; u < x1; u++) {
          const p = (v * image.width + u) * 4;
          for (let c = 0; c < 4; c++) sum[c] += image.rgba[p + c];
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) rgba[(y * width + x) * 4 + c] = Math.round(sum[c] / count);
    }
  }
  return { width, height, rgba };
}
