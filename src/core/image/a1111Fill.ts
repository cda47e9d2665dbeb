// A1111's masked content "fill" (modules/masking.py fill(), v1.10): the masked pixels replaced by colours
// from the kept ones. The kept pixels, premultiplied by 255 − the mask, are blurred by PIL's Gaussian blur at
// radii 256, 64, 16, 4, 2 and 0, and the blurs are alpha-composited one over another (the finer ones more
// often). A1111 applies it to the init image before encoding it for every masked content but "original".
// Every step is PIL 9.4's integer arithmetic (Paste.c's BLEND, BoxBlur.c, Convert.c's rgba2rgbA,
// AlphaComposite.c), so the bytes are Pillow's.
import { alphaComposite, div255, unpremultiplied } from './pilComposite';

const PASSES = [
  [256, 1],
  [64, 1],
  [16, 2],
  [4, 4],
  [2, 2],
  [0, 1],
] as const;

/** A1111's fill of RGBA `rgba` (alpha ignored) under the 8-bit `mask` (255: masked); RGBA out, alpha 255. */
export function a1111Fill(rgba: Uint8Array, mask: Uint8Array, width: number, height: number): Uint8Array {
  // paste(image as RGBa, mask = 255 − mask) onto transparent black: every byte scaled by the kept weight.
  const masked = new Uint8Array(rgba.length);
  for (let p = 0; p < mask.length; p++) {
    const keep = 255 - mask[p];
    for (let c = 0; c < 3; c++) masked[p * 4 + c] = div255(rgba[p * 4 + c] * keep);
    masked[p * 4 + 3] = keep;
  }
  const out = new Uint8Array(rgba.length);
  for (const [radius, repeats] of PASSES) {
    const blurred = unpremultiplied(gaussianBlur(masked, width, height, radius));
    for (let r = 0; r < repeats; r++) alphaComposite(out, blurred);
  }
  for (let p = 3; p < out.length; p += 4) out[p] = 255;
  return out;
}

const f = Math.fround;

/** ImagingGaussianBlur with 3 passes: a box blur of the radius Gwosdek et al. give (in C float arithmetic). */
export function gaussianBlur(bytes: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const passes = 3;
  const sigma2 = f(f(radius * radius) / passes);
  const L = f(Math.sqrt(12 * sigma2 + 1));
  const l = f(Math.floor((L - 1) / 2));
  let a = f(f(2 * l + 1) * f(f(l * f(l + 1)) - f(3 * sigma2)));
  a = f(a / f(6 * f(sigma2 - f(f(l + 1) * f(l + 1)))));
  return boxBlur(bytes, width, height, f(l + a), passes);
}

/** ImagingBoxBlur (Pillow 9.4): `passes` horizontal box blurs, then as many vertical ones, each byte a channel
 * of its own. */
function boxBlur(bytes: Uint8Array, width: number, height: number, radius: number, passes: number): Uint8Array {
  const pitch = width * 4;
  const column = { lines: pitch, start: (k: number) => k, step: pitch, size: height };
  const row = { lines: height * 4, start: (k: number) => (k >> 2) * pitch + (k & 3), step: 4, size: width };
  let image = bytes;
  for (let i = 0; i < passes; i++) image = blurLines(image, row, radius);
  for (let i = 0; i < passes; i++) image = blurLines(image, column, radius);
  return image;
}

interface Lines {
  lines: number;
  /** Where line k starts; its values lie `step` apart, `size` of them. */
  start: (k: number) => number;
  step: number;
  size: number;
}

/** One box-blur pass along each line: the integer radius's window at weight ww and the two values beyond it
 * at fw, in 24-bit fixed point, the ends extended (BoxBlur.c ImagingLineBoxBlur8/32, the same per byte). */
function blurLines(src: Uint8Array, { lines, start, step, size }: Lines, floatRadius: number): Uint8Array {
  const radius = Math.trunc(floatRadius);
  const ww = Math.trunc(f(16777216 / f(f(floatRadius * 2) + 1)));
  const fw = Math.trunc((16777216 - (radius * 2 + 1) * ww) / 2);
  const edgeA = Math.min(radius + 1, size);
  const edgeB = Math.max(size - radius - 1, 0);
  const last = size - 1;
  const out = new Uint8Array(src.length);
  for (let k = 0; k < lines; k++) {
    const origin = start(k);
    const at = (x: number) => src[origin + x * step];
    let acc = at(0) * (radius + 1);
    for (let x = 0; x < edgeA - 1; x++) acc += at(x);
    acc += at(last) * (radius - edgeA + 1);
    // The window moves by taking in its right end and letting go of its left (clamped to the line).
    const move = (x: number, left: number, right: number, farLeft: number, farRight: number) => {
      acc += at(right) - at(left);
      out[origin + x * step] = Math.trunc((acc * ww + (at(farLeft) + at(farRight)) * fw + (1 << 23)) / 16777216);
    };
    if (edgeA <= edgeB) {
      for (let x = 0; x < edgeA; x++) move(x, 0, x + radius, 0, x + radius + 1);
      for (let x = edgeA; x < edgeB; x++) move(x, x - radius - 1, x + radius, x - radius - 1, x + radius + 1);
      for (let x = edgeB; x <= last; x++) move(x, x - radius - 1, last, x - radius - 1, last);
    } else {
      for (let x = 0; x < edgeB; x++) move(x, 0, x + radius, 0, x + radius + 1);
      for (let x = edgeB; x < edgeA; x++) move(x, 0, last, 0, last);
      for (let x = edgeA; x <= last; x++) move(x, x - radius - 1, last, x - radius - 1, last);
    }
  }
  return out;
}
