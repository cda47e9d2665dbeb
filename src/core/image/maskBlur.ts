// A1111's mask blur (modules/processing.py, StableDiffusionProcessingImg2Img.init): cv2.GaussianBlur of the 8-bit
// mask with a k×1 kernel, then 1×k, k = 2·⌊2.5σ + 0.5⌋ + 1, as OpenCV blurs 8-bit images
// (imgproc/src/smooth.dispatch.cpp, smooth.simd.hpp): the Gaussian's weights in 8-bit fixed point, rounded with
// the error carried from the outside in and the centre taking what is left of 256; each pass's weighted sum
// rounded half up to 8 bits; the border mirrored without repeating the edge (BORDER_REFLECT_101).
import { roundHalfEven } from '../schedules/float32';

/** The mask blurred across, then down, by a Gaussian of σ = `sigma` pixels. */
export function a1111MaskBlur(src: Uint8Array, width: number, height: number, sigma: number): Uint8Array {
  const weights = fixedGaussian(2 * Math.trunc(2.5 * sigma + 0.5) + 1, sigma);
  const across = blurPass(src, width, height, weights, [1, width]);
  return blurPass(across, height, width, weights, [width, 1]);
}

/** getGaussianKernelBitExact's weights for n taps, then getGaussianKernelFixedPoint_ED's 8 fractional bits. */
function fixedGaussian(n: number, sigma: number): number[] {
  const half = (n - 1) / 2;
  const scale = -0.125 / (sigma * sigma);
  // x runs over 1 − n, 3 − n, … (twice the offset from the centre), as OpenCV's loop does.
  const values = Array.from({ length: half }, (_, i) => Math.exp((2 * i + 1 - n) ** 2 * scale));
  let sum = 0;
  for (const v of values) sum += v;
  const mul = 1 / (sum * 2 + 1);
  const weights = new Array<number>(n);
  let err = 0;
  let total = 0;
  for (let i = 0; i < half; i++) {
    const adjusted = values[i] * mul * 256 + err;
    const v = roundHalfEven(adjusted);
    err = adjusted - v;
    weights[i] = weights[n - 1 - i] = v;
    total += v;
  }
  weights[half] = 256 - 2 * total;
  return weights;
}

/** One pass along lines of `length` pixels, `lines` of them: [step along a line, step between lines]. */
function blurPass(
  src: Uint8Array,
  length: number,
  lines: number,
  weights: readonly number[],
  [along, between]: readonly [number, number],
): Uint8Array {
  const r = (weights.length - 1) / 2;
  const taps = Array.from({ length }, (_, p) => weights.map((_w, k) => reflect101(p + k - r, length)));
  const out = new Uint8Array(src.length);
  for (let line = 0; line < lines; line++) {
    for (let p = 0; p < length; p++) {
      let sum = 128;
      const at = taps[p];
      for (let k = 0; k < weights.length; k++) sum += weights[k] * src[line * between + at[k] * along];
      out[line * between + p * along] = Math.min(255, sum >> 8);
    }
  }
  return out;
}

/** OpenCV's borderInterpolate for BORDER_REFLECT_101 (dcb|abcd|cba), repeated for offsets past the far edge. */
function reflect101(p: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  const j = ((p % period) + period) % period;
  return j < n ? j : period - j;
}
