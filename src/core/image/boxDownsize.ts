// Shrinking an 8-bit RGBA image to fit a side, for views that draw a large photo small: a box filter
// (area averaging), so fine detail does not alias as skipping pixels would.
import type { RgbaImage } from './rgba';

/** The size rule: an image whose longest side exceeds `maxSide` is scaled by maxSide/longest, each
 * side rounded (at least 1 px); smaller images are kept as they are. */
export function fittedSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height };
  const scale = maxSide / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Downsizes by the size rule: each output pixel is the mean of the source pixels whose centres fall
 * in its footprint. An image that fits is returned as it is. */
export function downsize(image: RgbaImage, maxSide: number): RgbaImage {
  const { width, height } = fittedSize(image.width, image.height, maxSide);
  if (width === image.width && height === image.height) return image;
  const src = image.rgba;
  const rgba = new Uint8Array(width * height * 4);
  // Column spans per output column, worked out once rather than per row.
  const x0s = new Int32Array(width + 1);
  for (let x = 0; x <= width; x++) x0s[x] = Math.floor((x * image.width) / width);
  // One output row's channel sums, filled row by row of its footprint (sums of bytes fit 2^53).
  const sums = new Float64Array(width * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    sums.fill(0);
    for (let v = y0; v < y1; v++) addRow(src, v * image.width * 4, x0s, sums);
    for (let x = 0; x < width; x++) {
      const count = (y1 - y0) * Math.max(1, x0s[x + 1] - x0s[x]);
      for (let c = 0; c < 4; c++) rgba[(y * width + x) * 4 + c] = Math.round(sums[x * 4 + c] / count);
    }
  }
  return { width, height, rgba };
}

/** Adds one source row into each output column's sums. */
function addRow(src: Uint8Array, rowStart: number, x0s: Int32Array, sums: Float64Array): void {
  for (let x = 0; x + 1 < x0s.length; x++) {
    const end = Math.max(x0s[x] + 1, x0s[x + 1]);
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let p = rowStart + x0s[x] * 4; p < rowStart + end * 4; p += 4) {
      r += src[p];
      g += src[p + 1];
      b += src[p + 2];
      a += src[p + 3];
    }
    sums[x * 4] += r;
    sums[x * 4 + 1] += g;
    sums[x * 4 + 2] += b;
    sums[x * 4 + 3] += a;
  }
}
