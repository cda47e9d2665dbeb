// ComfyUI's inpainting around any of its samplers (comfy/samplers.py KSamplerX0Inpaint, the denoise mask
// of SetLatentNoiseMask resized by comfy.utils.reshape_mask): before each model call the kept region
// (mask 0) becomes the init latents noised to the call's σ with the run's own initial noise
// (scale_latent_inpaint of an ε model: latent + noise·σ), and after it the model's x̂0 there becomes the
// init latents. Each product and sum is one float32 operation, as on ComfyUI's float32 tensors.
import type { ModelStep } from './denoiser';
import { roundHalfEven } from '../schedules/float32';

/** The ComfyUI nodes that prepare an inpainting run's latent (and an inpainting UNet's extra channels):
 * SetLatentNoiseMask over VAEEncode (the default), InpaintModelConditioning (nodes.py, noise_mask on), or
 * VAEEncodeForInpaint. The first two run alike with a 4-channel UNet, and give a 9-channel UNet another masked
 * image each (comfyConcatMask); VAEEncodeForInpaint encodes the image grey under the mask and repaints the mask
 * grown (comfyGrownMask). */
export const COMFY_INPAINT_NODES = ['SetLatentNoiseMask', 'InpaintModelConditioning', 'VAEEncodeForInpaint'] as const;
export type ComfyInpaintNode = (typeof COMFY_INPAINT_NODES)[number];

export interface ComfyInpaint {
  /** One latent plane, 1 where the run repaints (comfyLatentMask); every channel and image takes it. */
  readonly mask: Float32Array;
  /** The init image's latents. */
  readonly latents: Float32Array;
  /** The run's initial noise before any scaling (KSamplerX0Inpaint.noise). */
  readonly noise: Float32Array;
}

const f = Math.fround;

export function comfyInpaintDenoiser(denoise: ModelStep, { mask, latents, noise }: ComfyInpaint): ModelStep {
  const plane = mask.length;
  const keep = mask.map((m) => 1 - m);
  return function* (x, sigma) {
    const s = f(sigma);
    const input = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const k = i % plane;
      input[i] = f(f(x[i] * mask[k]) + f(f(f(noise[i] * s) + latents[i]) * keep[k]));
    }
    const out = yield* denoise(input, sigma);
    const x0 = new Float32Array(out.length);
    for (let i = 0; i < out.length; i++) {
      const k = i % plane;
      x0[i] = f(f(out[i] * mask[k]) + f(latents[i] * keep[k]));
    }
    return x0;
  };
}

/** A mask of `width`×`height` (1 repaints) at the latents' size as ComfyUI resizes it: torch's bilinear
 * interpolate without align_corners or antialiasing (each output samples the 2×2 pixels nearest to where
 * its centre falls, so a ×8 downsize averages the middle four pixels of its cell). */
export function comfyLatentMask(
  pixels: Float32Array,
  width: number,
  height: number,
  latentWidth: number,
  latentHeight: number,
): Float32Array {
  const xs = linearTaps(width, latentWidth);
  const ys = linearTaps(height, latentHeight);
  const out = new Float32Array(latentWidth * latentHeight);
  for (let y = 0; y < latentHeight; y++) {
    const [r0, r1] = [ys.first[y] * width, ys.second[y] * width];
    for (let x = 0; x < latentWidth; x++) {
      const [c0, c1, w0, w1] = [xs.first[x], xs.second[x], xs.w0[x], xs.w1[x]];
      const top = f(f(w0 * pixels[r0 + c0]) + f(w1 * pixels[r0 + c1]));
      const bottom = f(f(w0 * pixels[r1 + c0]) + f(w1 * pixels[r1 + c1]));
      out[y * latentWidth + x] = f(f(ys.w0[y] * top) + f(ys.w1[y] * bottom));
    }
  }
  return out;
}

/** The mask channel ComfyUI feeds a 9-channel inpainting UNet (comfy/model_base.py BaseModel.concat_cond, its
 * concat_keys "mask" then "masked_image"): the denoise mask at the latents' size (comfyLatentMask) rounded as
 * torch.round rounds, half to even, so a cell the mask half covers is kept. Under SetLatentNoiseMask's graph
 * (no InpaintModelConditioning, so no concat_latent_image) the "masked_image" channels are the init image's
 * latents themselves, unmasked: ComfyUI's own comment there says they should be masked in pixel space. */
export function comfyConcatMask(latentMask: Float32Array): Float32Array {
  return latentMask.map(roundHalfEven);
}

/** InpaintModelConditioning's masked image, [3, H, W] planes in [−1, 1]: ComfyUI's 0.5 grey (0 here) where the
 * mask at the pixels' size (`mask`, one plane, 1 repaints) rounds to 1, half to even as torch.round; elsewhere
 * the image. ComfyUI computes (p − 0.5)·1 + 0.5 on its float32 pixels there, which can move one by an ulp. */
export function comfyMaskedPixels(pixels: Float32Array, mask: Float32Array): Float32Array {
  return pixels.map((v, i) => (roundHalfEven(mask[i % mask.length]) === 1 ? 0 : v));
}

/** VAEEncodeForInpaint's noise mask at the pixels' size (nodes.py): the mask (`width`×`height`, 1 repaints)
 * rounded half to even as torch.round, grown by conv2d with a `grow`×`grow` kernel of ones and padding
 * ⌈(grow − 1)/2⌉, clamped to 1 and cropped to the image: a pixel repaints where any pixel of the window from
 * ⌈(grow − 1)/2⌉ before it to ⌊grow/2⌋ after it, in both directions, rounds to 1. Grow 0: the mask rounded. */
export function comfyGrownMask(mask: Float32Array, width: number, height: number, grow: number): Float32Array {
  const rounded = mask.map(roundHalfEven);
  if (grow === 0) return rounded;
  const before = Math.ceil((grow - 1) / 2);
  const after = grow - 1 - before;
  return boxMax(boxMax(rounded, width, height, before, after, 1), width, height, before, after, width);
}

/** Per pixel the largest value along one axis (step 1: rows, step width: columns) from `before` pixels back
 * to `after` ahead, within the image: a binary mask's box dilation, one axis at a time. */
function boxMax(
  m: Float32Array,
  width: number,
  height: number,
  before: number,
  after: number,
  step: number,
): Float32Array {
  const length = step === 1 ? width : height;
  const out = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const at = step === 1 ? i % width : Math.floor(i / width);
    const from = Math.max(0, at - before);
    const to = Math.min(length - 1, at + after);
    let v = 0;
    for (let k = from; k <= to && v < 1; k++) v = Math.max(v, m[i + (k - at) * step]);
    out[i] = v;
  }
  return out;
}

/** Per output index the two input indices and their float32 weights (ATen's
 * area_pixel_compute_source_index and compute_indices_weights_linear). */
function linearTaps(inSize: number, outSize: number) {
  const scale = f(inSize / outSize);
  const taps = { first: [] as number[], second: [] as number[], w0: [] as number[], w1: [] as number[] };
  for (let i = 0; i < outSize; i++) {
    const src = Math.max(0, f(f(scale * f(i + 0.5)) - 0.5));
    const first = Math.floor(src);
    const w1 = Math.min(Math.max(f(src - first), 0), 1);
    taps.first.push(first);
    taps.second.push(first < inSize - 1 ? first + 1 : first);
    taps.w0.push(f(1 - w1));
    taps.w1.push(w1);
  }
  return taps;
}
