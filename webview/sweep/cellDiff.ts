// The pixel difference of two cells: |A − B| per channel, amplified so small differences show, with
// the RMS and largest difference over RGB (0–255) as figures.

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** Differences are multiplied by this in the picture (the figures are not). */
export const DIFF_GAIN = 4;

export function pixelDiff(a: Pixels, b: Pixels): { image: Pixels; rms: number; max: number } | { error: string } {
  if (a.width !== b.width || a.height !== b.height) {
    return { error: `the cells differ in size (${a.width}×${a.height} and ${b.width}×${b.height})` };
  }
  const data = new Uint8ClampedArray(a.data.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c] - b.data[i + c]);
      sum += d * d;
      max = Math.max(max, d);
      data[i + c] = d * DIFF_GAIN;
    }
    data[i + 3] = 255;
  }
  return { image: { width: a.width, height: a.height, data }, rms: Math.sqrt(sum / ((data.length / 4) * 3)), max };
}
