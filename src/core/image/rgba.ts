// NCHW float images → RGBA bytes, one image of a batch at a time.

/** How float pixel values map to [0, 1]: 'signed' for [-1, 1] (VAE and pixel-space UNets), 'unit' for [0, 1]. */
export type PixelRange = 'signed' | 'unit';

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Image `index` of an NCHW batch with 1 or 3+ channels (grey, or the first three as RGB). */
export function nchwToRgba(
  data: Float32Array,
  shape: readonly number[],
  index = 0,
  range: PixelRange = 'signed',
): RgbaImage {
  const [, channels, height, width] = shape;
  const plane = width * height;
  const base = index * channels * plane;
  const rgba = new Uint8Array(plane * 4);
  const scale = range === 'signed' ? 0.5 : 1;
  const offset = range === 'signed' ? 0.5 : 0;
  for (let c = 0; c < 3; c++) {
    const src = base + Math.min(c, channels - 1) * plane;
    for (let p = 0; p < plane; p++) rgba[p * 4 + c] = toByte(data[src + p] * scale + offset);
  }
  for (let p = 0; p < plane; p++) rgba[p * 4 + 3] = 255;
  return { width, height, rgba };
}

/** [0, 1] → 0..255 with clamping; NaN becomes 0. */
export function toByte(v: number): number {
  return v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
}
