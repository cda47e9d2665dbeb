// The cheap preview of a latent: a per-model linear map from latent channels to RGB, then (x+1)/2.
// Factors from ComfyUI's latent_formats.py (rows = latent channels, columns R, G, B).
import { toByte, type RgbaImage } from './rgba';

export interface LatentRgbFactors {
  /** One [r, g, b] row per latent channel. */
  readonly factors: readonly (readonly [number, number, number])[];
  readonly bias?: readonly [number, number, number];
}

export const SD1_LATENT_RGB: LatentRgbFactors = {
  factors: [
    [0.3512, 0.2297, 0.3227],
    [0.325, 0.4974, 0.235],
    [-0.2829, 0.1762, 0.2721],
    [-0.212, -0.2616, -0.7177],
  ],
};

export const SDXL_LATENT_RGB: LatentRgbFactors = {
  factors: [
    [0.3651, 0.4232, 0.4341],
    [-0.2533, -0.0042, 0.1068],
    [0.1076, 0.1111, -0.0362],
    [-0.3165, -0.2492, -0.2188],
  ],
  bias: [0.1084, -0.0175, -0.0011],
};

/** Latent image `index` of an NCHW batch as RGBA at latent resolution. */
export function latentToRgba(
  data: Float32Array,
  shape: readonly number[],
  map: LatentRgbFactors,
  index = 0,
): RgbaImage {
  const [, channels, height, width] = shape;
  if (map.factors.length !== channels) {
    throw new RangeError(
      `latent preview factors have ${map.factors.length} rows but the latent has ${channels} channels`,
    );
  }
  const plane = width * height;
  const base = index * channels * plane;
  const rgb = new Float32Array(plane * 3);
  // Channel by channel over contiguous planes (the data's own order), then one pass to bytes.
  for (let c = 0; c < channels; c++) {
    const [fr, fg, fb] = map.factors[c];
    const from = base + c * plane;
    for (let p = 0; p < plane; p++) {
      const v = data[from + p];
      rgb[p * 3] += v * fr;
      rgb[p * 3 + 1] += v * fg;
      rgb[p * 3 + 2] += v * fb;
    }
  }
  const [br, bg, bb] = map.bias ?? [0, 0, 0];
  const rgba = new Uint8Array(plane * 4);
  for (let p = 0; p < plane; p++) {
    rgba[p * 4] = toByte((rgb[p * 3] + br + 1) / 2);
    rgba[p * 4 + 1] = toByte((rgb[p * 3 + 1] + bg + 1) / 2);
    rgba[p * 4 + 2] = toByte((rgb[p * 3 + 2] + bb + 1) / 2);
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}
