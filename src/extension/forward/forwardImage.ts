// Reads an image file for the forward-process view: PNG only (fast-png is the one image decoder the
// extension depends on; no JPEG decoder is), any colour type and bit depth as 8-bit RGBA, downsized
// so the longest side is at most MAX_FORWARD_SIDE. Pure Node: no vscode, so it is unit-tested.
import { convertIndexedToRgb, decode, type DecodedPng } from 'fast-png';
import { isPng, type ForwardImage } from '../../protocol/forward';

/** The longest side the view draws: 512² keeps a redraw of several schedules within a frame. */
export const MAX_FORWARD_SIDE = 512;

export interface Rgba {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** The view's image from a file's bytes; an Error names the file and what is wrong with it. */
export function readForwardImage(bytes: Uint8Array, label: string): ForwardImage {
  if (bytes.length === 0) throw new Error(`${label} is empty`);
  if (/\.jpe?g$/i.test(label)) throw new Error(`${label}: JPEG is not supported (no JPEG decoder is bundled); use a PNG`);
  if (!isPng(bytes)) throw new Error(`${label} is not a PNG file`);
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new Error(`${label} could not be read as a PNG: ${(error as Error).message}`);
  }
  if (png.width === 0 || png.height === 0) throw new Error(`${label} has no pixels (${png.width}×${png.height})`);
  const full = toRgba(png, label);
  const fitted = downsize(full, MAX_FORWARD_SIDE);
  const original = fitted === full ? undefined : { width: full.width, height: full.height };
  return { label, ...fitted, ...(original ? { original } : {}) };
}

/** Any PNG colour type (grey, grey+alpha, RGB, RGBA, indexed) at 8 or 16 bits as 8-bit RGBA. Alpha is
 * kept as stored but the view ignores it: the forward process acts on the colour channels. */
export function toRgba(png: DecodedPng, label: string): Rgba {
  const { width, height } = png;
  const n = width * height;
  const indexed = png.palette !== undefined;
  const data = indexed ? convertIndexedToRgb(png) : png.data;
  const channels = indexed ? png.palette![0]!.length : png.channels;
  if (!indexed && png.depth !== 8 && png.depth !== 16) {
    throw new Error(`${label}: ${png.depth}-bit greyscale PNGs are not supported; save it as 8-bit`);
  }
  const shift = !indexed && png.depth === 16 ? 8 : 0;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const p = i * channels;
    const grey = channels < 3;
    rgba[i * 4] = data[p]! >> shift;
    rgba[i * 4 + 1] = data[grey ? p : p + 1]! >> shift;
    rgba[i * 4 + 2] = data[grey ? p : p + 2]! >> shift;
    const alpha = channels === 2 || channels === 4 ? data[p + channels - 1]! >> shift : 255;
    rgba[i * 4 + 3] = alpha;
  }
  return { width, height, rgba };
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
          for (let c = 0; c < 4; c++) sum[c] += image.rgba[p + c]!;
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) rgba[(y * width + x) * 4 + c] = Math.round(sum[c]! / count);
    }
  }
  return { width, height, rgba };
}
