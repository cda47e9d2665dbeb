// Host-decoded RGBA images → what the encoder and the inpainting blend take. The resize rule is
// A1111's default "Just resize": the image is stretched to the run's size (PIL's 8-bit Lanczos, as A1111
// and diffusers' image processor call it), whatever its aspect ratio, so every pixel of the input is used
// and none is invented.
import { EngineFailure } from './engineFailure';
import { a1111MaskBlur } from '../core/image/maskBlur';
import { pilResize, pilResizeRgba } from '../core/image/pilResize';
import type { Tensor } from '../core/tensor/tensor';
import type { RgbaPixels } from '../protocol/engine';

/** The image stretched to width × height as [1, 3, H, W] in [−1, 1] (diffusers' preprocess: x/127.5 − 1);
 * alpha is ignored. */
export function initImageTensor(img: RgbaPixels, width: number, height: number): Tensor<Float32Array> {
  checkPixels(img, 'the image');
  const rgba = pilResizeRgba(img, [width, height], 'lanczos');
  const plane = width * height;
  const rgb = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) rgb[c * plane + p] = rgba[p * 4 + c] / 127.5 - 1;
  return { data: rgb, shape: [1, 3, height, width] };
}

/** A mask as A1111 prepares one (modules/processing.py) at its own size: grey by PIL's "L" weights, binary at
 * 128 (white repaints), blurred by a Gaussian of σ = blur px as its cv2.GaussianBlur calls blur the 8-bit mask
 * (maskBlur.ts); 8-bit, 255 repaints. */
export function blurredMask(mask: RgbaPixels, blur: number): Uint8Array {
  checkPixels(mask, 'the mask');
  const plane = mask.width * mask.height;
  const binary = new Uint8Array(plane);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [mask.rgba[p * 4], mask.rgba[p * 4 + 1], mask.rgba[p * 4 + 2]];
    binary[p] = (r * 299 + g * 587 + b * 114) / 1000 > 128 ? 255 : 0;
  }
  return blur > 0 ? a1111MaskBlur(binary, mask.width, mask.height, blur) : binary;
}

/** The blurred mask stretched to width × height by the image's rule; values in [0, 1], multiples of 1/255. */
export function runMask(mask: RgbaPixels, blur: number, width: number, height: number): Float32Array {
  const resized = pilResize(blurredMask(mask, blur), mask.width, mask.height, width, height, 'lanczos');
  return Float32Array.from(resized, (v) => v / 255);
}

/** A [0, 1] plane averaged over factor × factor cells (the latent mask: each cell's repainted
 * fraction, exactly 0 where no pixel of the cell repaints, which a ringing filter would not give). */
export function cellMeans(plane: Float32Array, width: number, height: number, factor: number): Float32Array {
  const w = width / factor;
  const h = height / factor;
  const out = new Float32Array(w * h);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[Math.floor(y / factor) * w + Math.floor(x / factor)] += plane[y * width + x];
  }
  for (let i = 0; i < out.length; i++) out[i] /= factor * factor;
  return out;
}

/** Refuses pixels whose buffer is not width·height RGBA bytes: the host decodes images so, and a request
 * that does not would read past the buffer (NaN) or leave bytes unread. */
function checkPixels({ width, height, rgba }: RgbaPixels, what: string): void {
  const sides = Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1;
  if (sides && rgba instanceof Uint8Array && rgba.length === width * height * 4) return;
  const bytes = rgba instanceof Uint8Array ? `${rgba.length} bytes` : 'no byte array';
  throw new EngineFailure(
    'BAD_REQUEST',
    `${what} is ${width}×${height} with ${bytes}; RGBA needs width·height·4 bytes`,
  );
}
