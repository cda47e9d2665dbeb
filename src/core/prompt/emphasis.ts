// A1111's "Original" emphasis (stable-diffusion-webui v1.10.1, modules/sd_emphasis.py
// EmphasisOriginal): each token's row of the text encoder's output is multiplied by its weight, then
// the whole chunk is rescaled so its mean is what it was before.

/** Weights the rows of one encoded chunk `z` ([multipliers.length, width], row-major) in place.
 * Leaves `z` untouched when every weight is 1. */
export function applyEmphasis(z: Float32Array, multipliers: readonly number[]): void {
  if (multipliers.every((m) => m === 1)) return;
  const width = z.length / multipliers.length;
  if (!Number.isInteger(width)) throw new RangeError(`${z.length} values are not ${multipliers.length} rows`);
  const originalMean = mean(z);
  for (let r = 0; r < multipliers.length; r++) {
    for (let c = r * width; c < (r + 1) * width; c++) z[c] *= multipliers[r];
  }
  const rescale = originalMean / mean(z);
  for (let i = 0; i < z.length; i++) z[i] *= rescale;
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
