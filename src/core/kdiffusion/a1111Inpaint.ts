// A1111's inpainting around its samplers (modules/processing.py StableDiffusionProcessingImg2Img, v1.10.1,
// inpaint area "Whole picture"; every masked content: "fill", "original", "latent noise", "latent nothing"). The mask is resized to the latents by PIL's
// bicubic filter and rounded to 0 or 1 (init). After guidance, the model's x̂0 becomes the init latents where
// the mask keeps (CFGDenoiser.forward's apply_blend; for DDIM, PLMS and UniPC the model's input instead,
// before the call), and so does the sampler's result (sample()). Unlike ComfyUI, A1111 blends in the init
// latents as they are, not noised to the call's σ. After decoding, the init image is pasted back over the
// kept region (apply_overlay).
import { a1111ResizeImage, pasted, type Region, type Rgba } from '../image/a1111Crop';
import { alphaComposite, div255, unpremultiplied } from '../image/pilComposite';
import { pilResize } from '../image/pilResize';
import type { ModelStep } from './denoiser';

export interface A1111Inpaint {
  /** One latent plane, 1 where the run repaints (a1111LatentMask); every channel and image takes it. */
  readonly mask: Float32Array;
  /** The init image's latents. */
  readonly latents: Float32Array;
}

const f = Math.fround;

/** A1111's "Masked content" (inpainting_fill), in its order: the init latents of the image with its masked
 * pixels filled (a1111Fill.ts, done before encoding) or as they are, or the masked cells of the filled image's
 * latents replaced by the seed's noise or by zeros. */
export type A1111MaskedContent = 'fill' | 'original' | 'latent noise' | 'latent nothing';
export const A1111_MASKED_CONTENT: readonly A1111MaskedContent[] = [
  'fill',
  'original',
  'latent noise',
  'latent nothing',
];

/** The init latents A1111 starts from for `content` (init): init·mask + noise·nmask for latent noise (noise:
 * create_random_tensors of the seeds, the seed's own draw), init·mask for latent nothing; each operation
 * float32, mask one latent plane, 1 where the run repaints. */
export function a1111MaskedContent(
  latents: Float32Array,
  mask: Float32Array,
  noise: Float32Array,
  content: A1111MaskedContent,
): Float32Array {
  if (content === 'original' || content === 'fill') return latents;
  const plane = mask.length;
  return latents.map((v, i) => {
    const m = mask[i % plane];
    const kept = f(v * f(1 - m));
    return content === 'latent noise' ? f(kept + f(noise[i] * m)) : kept;
  });
}

/** x·nmask + init·mask in A1111's order, each operation float32 (nmask: the mask, mask: 1 − it). */
export function a1111Blend(x: Float32Array, { mask, latents }: A1111Inpaint): Float32Array {
  const plane = mask.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const m = mask[i % plane];
    out[i] = f(f(x[i] * m) + f(latents[i] * f(1 - m)));
  }
  return out;
}

/** Around A1111's k-diffusion samplers: x̂0 blended after guidance (CFGDenoiser). */
export function a1111InpaintDenoiser(denoise: ModelStep, inpaint: A1111Inpaint): ModelStep {
  return function* (x, sigma) {
    return a1111Blend(yield* denoise(x, sigma), inpaint);
  };
}

/** Around A1111's DDIM, PLMS and UniPC (CFGDenoiserTimesteps, mask_before_denoising): the model's input is
 * blended instead, in their ε-space (x/√(1 + σ²) here, where the samplers run in σ-space), while the sampler
 * keeps its own x; so the x̂0 handed back is x − σ·ε with ε from the blended call. */
export function a1111InputBlendDenoiser(denoise: ModelStep, inpaint: A1111Inpaint): ModelStep {
  return function* (x, sigma) {
    const k = Math.sqrt(1 + sigma * sigma);
    const eps = Float32Array.from(x, (v) => v / k);
    const input = Float32Array.from(a1111Blend(eps, inpaint), (v) => v * k);
    const out = yield* denoise(input, sigma);
    return Float32Array.from(out, (v, i) => v + (x[i] - input[i]));
  };
}

/** apply_overlay: the init image pasted over the decoded one (both RGBA at the run's size) where the mask keeps,
 * by A1111's overlay (the init image premultiplied by 255 − the mask's overlay, mask_for_overlay being the 8-bit
 * mask ×2 clipped) composited as PIL does it, in its integer steps (Paste.c, Convert.c, AlphaComposite.c). Where
 * the mask is 0 the pixels are the init image's, where it is 128 or more the decoded ones. */
export function a1111Overlay(decoded: Uint8Array, init: Uint8Array, mask: Uint8Array): Uint8Array {
  const out = Uint8Array.from(decoded);
  alphaComposite(
    out,
    overlayImage(
      init,
      Uint8Array.from(mask, (m) => 255 - Math.min(255, 2 * m)),
    ),
  );
  return out;
}

/** apply_overlay for inpaint area "Only masked": the decoded image taken back to the region's size
 * (resize_image mode 1) and pasted there into a transparent image of the init image's size, then the init
 * image composited over it by the full-size mask (not doubled: A1111 keeps it as blurred there). Opaque RGBA
 * of the init image's size. */
export function a1111PasteBack(decoded: Rgba, init: Rgba, mask: Uint8Array, [x1, y1, x2, y2]: Region): Uint8Array {
  const base = { rgba: new Uint8Array(init.rgba.length), width: init.width, height: init.height };
  pasted(base, a1111ResizeImage(1, decoded, [x2 - x1, y2 - y1]), x1, y1);
  alphaComposite(
    base.rgba,
    overlayImage(
      init.rgba,
      Uint8Array.from(mask, (m) => 255 - m),
    ),
  );
  for (let p = 3; p < base.rgba.length; p += 4) base.rgba[p] = 255;
  return base.rgba;
}

/** A1111's overlay image: the init image pasted through `alpha` onto transparent black as RGBa (each byte
 * DIV255(v·alpha)), then converted back to RGBA. */
function overlayImage(init: Uint8Array, alpha: Uint8Array): Uint8Array {
  const premultiplied = new Uint8Array(init.length);
  for (let p = 0; p < alpha.length; p++) {
    for (let c = 0; c < 3; c++) premultiplied[p * 4 + c] = div255(init[p * 4 + c] * alpha[p]);
    premultiplied[p * 4 + 3] = alpha[p];
  }
  return unpremultiplied(premultiplied);
}

/** What A1111 feeds a 9-channel inpainting UNet besides the latents (inpainting_image_conditioning, the mask
 * rounded): the image, [3, H, W] planes in [−1, 1], with its masked pixels set to 0 (the lerp at A1111's
 * default weight 1), to be encoded; and the rounded 8-bit mask at the latents' size by torch's nearest
 * interpolation (cell (y, x) takes pixel (⌊y·H/h⌋, ⌊x·W/w⌋)). */
export function a1111InpaintConditioning(
  pixels: Float32Array,
  mask: Uint8Array,
  [width, height]: readonly [number, number],
  [latentWidth, latentHeight]: readonly [number, number],
): { masked: Float32Array; latentMask: Float32Array } {
  const repaints = (p: number) => mask[p] >= 128;
  const masked = pixels.map((v, i) => (repaints(i % mask.length) ? 0 : v));
  const latentMask = new Float32Array(latentWidth * latentHeight);
  for (let y = 0; y < latentHeight; y++) {
    const row = Math.floor((y * height) / latentHeight) * width;
    for (let x = 0; x < latentWidth; x++) {
      latentMask[y * latentWidth + x] = repaints(row + Math.floor((x * width) / latentWidth)) ? 1 : 0;
    }
  }
  return { masked, latentMask };
}

/** The 8-bit mask (255 repaints) at the latents' size as A1111 makes it: PIL's bicubic resize of the mask as
 * RGB, divided by 255 and rounded (np.around), so a cell repaints where its resized value is 128 or more. */
export function a1111LatentMask(
  pixels: Uint8Array,
  width: number,
  height: number,
  latentWidth: number,
  latentHeight: number,
): Float32Array {
  const resized = pilResize(pixels, width, height, latentWidth, latentHeight, 'bicubic');
  return Float32Array.from(resized, (v) => (v >= 128 ? 1 : 0));
}
