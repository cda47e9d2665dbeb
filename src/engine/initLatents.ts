// Where a run with an init image starts: the image encoded, the schedule cut by the strength, and the
// latents noised to its first timestep, as diffusers' img2img and inpaint pipelines prepare_latents
// do it (pipelines/stable_diffusion/pipeline_stable_diffusion_{img2img,inpaint}.py, v0.35.2), with
// the generators drawn in their order: encoder sample, noise, then the masked image's sample.
import { addNoiseRefusal } from '../core/config/schedulerClasses';
import { img2imgTimesteps, type Img2ImgSchedule } from '../core/forward/img2img';
import type { NoiseSource } from '../core/rng/noiseSource';
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { ImageRunInfo, RgbaPixels, RunImages } from '../protocol/engine';
import { DEFAULT_STRENGTH } from '../protocol/run';
import { EngineFailure, scheduleRefused } from './engineFailure';
import { stepCount } from '../core/samplers/scheduleRefusal';
import { cellMeans, initImageTensor, runMask } from './imagePixels';
import { a1111InpaintConditioning, a1111LatentMask } from '../core/kdiffusion/a1111Inpaint';
import { comfyConcatMask, comfyGrownMask, comfyLatentMask, comfyMaskedPixels } from '../core/kdiffusion/comfyInpaint';
import type { Tool } from '../core/kdiffusion/toolSamplers';
import { nchwToRgba } from '../core/image/rgba';
import { a1111Fill } from '../core/image/a1111Fill';
import { inpaintBlend } from './inpaintBlend';
import type { ModelSessions } from './modelSessions';
import type { ResolvedSpec, RunShape } from './requestCheck';
import { encodeImage, type EncodedLatents } from './vaeEncode';

export interface ImageStart {
  latents: Tensor;
  /** The timesteps the run visits (none at strength 0: the result is the VAE round trip). */
  timesteps: Float64Array;
  info: ImageRunInfo;
  encoderMs: number;
  /** 4-channel inpainting: puts the known region back after step i. */
  afterStep?: (latents: Tensor, i: number) => void;
  /** 9-channel inpainting: mask and masked-image latents, appended to the UNet's input channels. */
  unetExtra?: Tensor<Float32Array>;
  /** Inversion: the input at the run's size, [1, 3, H, W] in [−1, 1], that the result is measured against. */
  reference?: Tensor<Float32Array>;
}

/** The init image's pixels at the run's size, [1, 3, H, W] in [−1, 1]; refuses a request without them. */
export function initPixels(images: RunImages | undefined, shape: RunShape): Tensor<Float32Array> {
  if (!images?.init) {
    throw new EngineFailure('BAD_REQUEST', 'the spec names an init image but the request has no pixels (images.init)');
  }
  return initImageTensor(images.init, shape.width, shape.height);
}

export async function startFromImage(
  s: ModelSessions,
  req: ResolvedSpec,
  images: RunImages | undefined,
  shape: RunShape,
  scheduler: Scheduler,
  noise: NoiseSource,
): Promise<ImageStart> {
  const pixels = initPixels(images, shape);
  const strength = req.strength ?? DEFAULT_STRENGTH;
  const { timesteps, beginIndex } = cutSchedule(scheduler, req.steps, strength);
  const latentShape = [shape.batch, shape.channels, shape.latentHeight, shape.latentWidth];
  let encoderMs = 0;
  const encode = async (x: Tensor<Float32Array>) => {
    const started = performance.now();
    const encoded = await encodeImage(s, x, shape.batch, noise, 'sample');
    encoderMs += performance.now() - started;
    return encoded;
  };
  // Inpainting at strength 1 starts from pure noise × init σ (diffusers' is_strength_max), and then
  // diffusers encodes the init image only where it blends it back in (4-channel UNets).
  const pure = req.mask !== undefined && strength === 1;
  // As diffusers: the start noises the image unless pure, and a 4-channel inpaint blends it back after each
  // step but the last.
  const blends = req.mask !== undefined && !s.inpaintingUnet;
  const noAddNoise = addNoiseRefusal(scheduler.className);
  if (noAddNoise && timesteps.length > (pure ? (blends ? 1 : Infinity) : 0)) {
    throw new EngineFailure('BAD_REQUEST', noAddNoise);
  }
  const encoded = pure && s.inpaintingUnet ? undefined : await encode(pixels);
  const eps: Tensor<Float32Array> = { data: noise.randn(latentShape), shape: latentShape };
  const latents = pure ? scaled(eps, scheduler.initNoiseSigma) : noisedTo(scheduler, encoded!.latents, eps, timesteps);
  type Mode = ImageRunInfo['mode'];
  const start = (mode: Mode, latent: ImageRunInfo['latent'], rest: Partial<ImageStart> = {}): ImageStart => {
    const info = imageRunInfo(images!, { latent, mode, strength, beginIndex, stepsRun: timesteps.length });
    return { latents, timesteps, info, encoderMs, ...rest };
  };
  if (!req.mask) return start('img2img', encoded!.kind);

  const mask = inpaintMask(images, req.maskBlur ?? 0, shape);
  if (!s.inpaintingUnet) {
    // diffusers encodes the masked image here even for 4-channel UNets; its sample's draw is matched.
    if (encoded!.kind === 'posterior-sample') noise.randn(latentShape);
    const afterStep = inpaintBlend(scheduler, encoded!.latents, eps, mask.latent, timesteps);
    return start('inpaint', encoded!.kind, { afterStep });
  }
  const kept = (i: number) => mask.pixel[i % mask.pixel.length] < 0.5;
  const masked = await encode({ data: pixels.data.map((v, i) => (kept(i) ? v : 0)), shape: pixels.shape });
  const binary = mask.latent.map((v) => (v >= 0.5 ? 1 : 0));
  return start('inpaint-unet', masked.kind, { unetExtra: withMaskChannel(masked.latents, binary) });
}

/** RunInfo.image for a run from the request's init image. */
export function imageRunInfo(
  images: RunImages,
  ran: Omit<ImageRunInfo, 'sourceWidth' | 'sourceHeight' | 'resize'> & Partial<Pick<ImageRunInfo, 'resize'>>,
): ImageRunInfo {
  const { width: sourceWidth, height: sourceHeight } = images.init!;
  return { sourceWidth, sourceHeight, resize: 'stretch-lanczos3', ...ran };
}

/** A tool run's init image as latents, the posterior mean as ComfyUI's VAE encode gives it (A1111 draws a
 * posterior sample from torch's global generator, which no seed of the run reproduces). For A1111's masked
 * contents but "original" the masked pixels are A1111's fill first (a1111Fill.ts), which also moves the kept
 * latents near the mask's edge; an inpaint on a 9-channel UNet adds the UNet's extra channels as the tool
 * makes them. */
export async function toolImage(
  s: ModelSessions,
  req: ResolvedSpec,
  images: RunImages | undefined,
  shape: RunShape,
  noise: NoiseSource,
  mask: ToolMask | undefined,
): Promise<EncodedLatents & { encoderMs: number; unetExtra?: Tensor<Float32Array> }> {
  const started = performance.now();
  const fill = (req.maskedContent ?? 'original') !== 'original' ? mask?.overlay : undefined;
  const pixels = toolImagePixels(images, shape, fill);
  // VAEEncodeForInpaint encodes the image grey under the mask: the latents its KSampler starts from and keeps.
  const greyed = req.inpaintNode === 'VAEEncodeForInpaint' && mask?.pixel;
  const encoded = await encodeImage(s, greyed ? greyMasked(pixels, greyed) : pixels, shape.batch, noise, 'mean');
  const unetExtra = !s.inpaintingUnet
    ? undefined
    : mask
      ? await inpaintUnetExtra(s, req, pixels, encoded, mask, shape, noise)
      : await unmaskedUnetExtra(s, req, pixels, shape, noise);
  return { ...encoded, unetExtra, encoderMs: performance.now() - started };
}

/** The init image at the run's size, [1, 3, H, W] in [−1, 1], with A1111's fill under `fillMask` (the 8-bit
 * mask at the run's size, 255 repaints) where given. */
function toolImagePixels(images: RunImages | undefined, shape: RunShape, fillMask?: Uint8Array): Tensor<Float32Array> {
  if (!fillMask) return initPixels(images, shape);
  const { width, height } = shape;
  const rgba = a1111Fill(initRgba(images, shape), fillMask, width, height);
  return initImageTensor({ width, height, rgba }, width, height);
}

/** [mask, masked-image latents] per image for a 9-channel inpainting UNet in a tool run. A1111's from the image
 * the run encodes and its 8-bit mask (a1111InpaintConditioning), its masked image encoded again. ComfyUI's mask
 * is the denoise mask rounded (comfyConcatMask); its masked image the run's own latents under
 * SetLatentNoiseMask's graph (VAEEncodeForInpaint's are grey under the mask), the grey-masked image encoded
 * under InpaintModelConditioning's. */
async function inpaintUnetExtra(
  s: ModelSessions,
  req: ResolvedSpec,
  pixels: Tensor<Float32Array>,
  encoded: EncodedLatents,
  mask: ToolMask,
  shape: RunShape,
  noise: NoiseSource,
): Promise<Tensor<Float32Array>> {
  if (req.toolSampler!.tool !== 'comfyui') return a1111UnetExtra(s, pixels, mask.overlay!, shape, noise);
  const latents =
    req.inpaintNode === 'InpaintModelConditioning'
      ? (await encodeImage(s, greyMasked(pixels, mask.pixel!), shape.batch, noise, 'mean')).latents
      : encoded.latents;
  return withMaskChannel(latents, comfyConcatMask(mask.latent));
}

/** ComfyUI's masked image: the pixels grey where the mask at the run's size rounds to 1 (comfyMaskedPixels). */
function greyMasked(pixels: Tensor<Float32Array>, mask: Float32Array): Tensor<Float32Array> {
  return { data: comfyMaskedPixels(pixels.data, mask), shape: pixels.shape };
}

/** A1111's [mask, masked-image latents] from the image the run encodes and its 8-bit mask (`overlay`, 255
 * repaints): a1111InpaintConditioning, its masked image encoded again. */
async function a1111UnetExtra(
  s: ModelSessions,
  pixels: Tensor<Float32Array>,
  overlay: Uint8Array,
  shape: RunShape,
  noise: NoiseSource,
): Promise<Tensor<Float32Array>> {
  const { width, height, latentWidth, latentHeight } = shape;
  const c = a1111InpaintConditioning(pixels.data, overlay, [width, height], [latentWidth, latentHeight]);
  const masked = await encodeImage(s, { data: c.masked, shape: pixels.shape }, shape.batch, noise, 'mean');
  return withMaskChannel(masked.latents, c.latentMask);
}

/** ComfyUI's latent of a blank image by channel, for SD's VAE (model_base.py blank_inpaint_image_like); it
 * leaves channels past the fourth at 1. */
const COMFY_BLANK_LATENT = [0.8223, -0.6876, 0.6364, 0.138];

/** [mask, masked-image latents] for a 9-channel inpainting UNet that a tool run takes from an image without a
 * mask, as each tool fills them: ComfyUI a mask of ones and its blank latent (BaseModel.concat_cond without a
 * denoise mask); A1111 its dummy mask (inpainting_image_conditioning: ones, the image lerped to image·0 at its
 * default mask weight 1), which is its conditioning for a mask over the whole image. */
async function unmaskedUnetExtra(
  s: ModelSessions,
  req: ResolvedSpec,
  pixels: Tensor<Float32Array>,
  shape: RunShape,
  noise: NoiseSource,
): Promise<Tensor<Float32Array>> {
  const { batch, channels, width, height, latentWidth, latentHeight } = shape;
  if (req.toolSampler!.tool !== 'comfyui') {
    return a1111UnetExtra(s, pixels, new Uint8Array(width * height).fill(255), shape, noise);
  }
  const plane = latentWidth * latentHeight;
  const blank = Float32Array.from(
    { length: batch * channels * plane },
    (_, i) => COMFY_BLANK_LATENT[Math.floor(i / plane) % channels] ?? 1,
  );
  const latents = { data: blank, shape: [batch, channels, latentHeight, latentWidth] };
  return withMaskChannel(latents, new Float32Array(plane).fill(1));
}

/** Sets the scheduler's steps and cuts them by the strength (diffusers' get_timesteps). */
function cutSchedule(scheduler: Scheduler, steps: number, strength: number): Img2ImgSchedule {
  try {
    return img2imgTimesteps(scheduler, steps, strength);
  } catch (err) {
    throw scheduleRefused(scheduler.className, stepCount(steps), err);
  }
}

/** The image latents noised to the first timestep; themselves when no step is left (strength 0). */
function noisedTo(scheduler: Scheduler, image: Tensor<Float32Array>, eps: Tensor, timesteps: Float64Array): Tensor {
  return timesteps.length > 0 ? scheduler.addNoise(image, eps, [timesteps[0]]) : image;
}

function scaled(x: Tensor<Float32Array>, k: number): Tensor<Float32Array> {
  return { data: x.data.map((v) => v * k), shape: x.shape };
}

interface InpaintMask {
  /** At the run's size, 1 where it repaints. */
  pixel: Float32Array;
  /** Per latent cell, the fraction of its pixels that repaint. */
  latent: Float32Array;
}

/** The mask at the run's size, and per latent cell the fraction it repaints. */
function inpaintMask(images: RunImages | undefined, blur: number, shape: RunShape): InpaintMask {
  const pixel = pixelMask(images, blur, shape);
  return { pixel, latent: cellMeans(pixel, shape.width, shape.height, shape.width / shape.latentWidth) };
}

/** A tool sampler's mask. */
export interface ToolMask {
  /** One latent plane, 1 where the run repaints, resized as the tool resizes it. */
  latent: Float32Array;
  /** A1111's: the 8-bit mask at the run's size, for the overlay after decoding (a1111Overlay). */
  overlay?: Uint8Array;
  /** ComfyUI's: the mask at the run's size (1 repaints), for the masked image of InpaintModelConditioning and
   * VAEEncodeForInpaint. */
  pixel?: Float32Array;
}

/** ComfyUI's denoise mask (bilinear; `grow`: VAEEncodeForInpaint's, from the mask grown by that), or A1111's
 * (its 8-bit mask resized by PIL's bicubic filter, rounded), from the mask at the run's size (`pixel`, 1 where
 * it repaints). */
export function toolInpaintMask(pixel: Float32Array, shape: RunShape, tool: Tool, grow?: number): ToolMask {
  const { width, height, latentWidth, latentHeight } = shape;
  if (tool === 'comfyui') {
    const noiseMask = grow === undefined ? pixel : comfyGrownMask(pixel, width, height, grow);
    return { latent: comfyLatentMask(noiseMask, width, height, latentWidth, latentHeight), pixel };
  }
  const overlay = Uint8Array.from(pixel, (v) => Math.round(v * 255));
  return { latent: a1111LatentMask(overlay, width, height, latentWidth, latentHeight), overlay };
}

/** The init image at the run's size as RGBA bytes (the pixels the encoder took). */
export function initRgba(images: RunImages | undefined, shape: RunShape): Uint8Array {
  const { data, shape: dims } = initPixels(images, shape);
  return nchwToRgba(data, dims).rgba;
}

/** The mask at the run's size, 1 where it repaints; it must have the init image's size. */
export function pixelMask(images: RunImages | undefined, blur: number, shape: RunShape): Float32Array {
  return runMask(requestMask(images), blur, shape.width, shape.height);
}

/** The request's mask, which must have the init image's size. */
export function requestMask(images: RunImages | undefined): RgbaPixels {
  const { init, mask } = images ?? {};
  const bad = (message: string) => new EngineFailure('BAD_REQUEST', message);
  if (!mask) throw bad('the spec names a mask but the request carries no pixels (images.mask)');
  if (!init) throw bad('the spec names an init image but the request has no pixels (images.init)');
  if (mask.width !== init.width || mask.height !== init.height) {
    const size = (i: RgbaPixels) => `${i.width}x${i.height}`;
    throw bad(`the mask is ${size(mask)} but the init image is ${size(init)}; they must be the same size`);
  }
  return mask;
}

/** [mask, masked-image latents] per image: diffusers' torch.cat([mask, masked_image_latents], dim=1). */
function withMaskChannel(latents: Tensor<Float32Array>, mask: Float32Array): Tensor<Float32Array> {
  const [batch, channels, h, w] = latents.shape;
  const plane = h * w;
  const data = new Float32Array(batch * (channels + 1) * plane);
  for (let b = 0; b < batch; b++) {
    data.set(mask, b * (channels + 1) * plane);
    data.set(latents.data.subarray(b * channels * plane, (b + 1) * channels * plane), (b * (channels + 1) + 1) * plane);
  }
  return { data, shape: [batch, channels + 1, h, w] };
}
