// Where a run with an init image starts: the image encoded, the schedule cut by the strength, and the
// latents noised to its first timestep, as diffusers' img2img and inpaint pipelines prepare_latents
// do it (pipelines/stable_diffusion/pipeline_stable_diffusion_{img2img,inpaint}.py, v0.35.2), with
// the generators drawn in their order: encoder sample, noise, then the masked image's sample.
import { img2imgTimesteps } from '../core/forward/img2img';
import type { NoiseSource } from '../core/rng/noiseSource';
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { ImageRunInfo, RunImages } from '../protocol/engine';
import { DEFAULT_STRENGTH } from '../protocol/run';
import { EngineFailure } from './engineFailure';
import { cellMeans, initImageTensor, maskPlane, resizeMask } from './imagePixels';
import { inpaintBlend } from './inpaintBlend';
import type { ModelSessions } from './modelSessions';
import type { ResolvedSpec, RunShape } from './requestCheck';
import { encodeImage } from './vaeEncode';

export interface ImageStart {
  latents: Tensor<Float32Array>;
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
  if (!images?.init) throw new EngineFailure('BAD_REQUEST', 'the spec names an init image but the request carries no pixels (images.init)');
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
  const started = performance.now();
  const encoded = await encodeImage(s, pixels, shape.batch, noise, 'sample');
  let encoderMs = performance.now() - started;
  let schedule;
  try {
    schedule = img2imgTimesteps(scheduler, req.steps, strength);
  } catch (err) {
    throw new EngineFailure('BAD_REQUEST', `${scheduler.className} cannot take ${req.steps} steps: ${(err as Error).message}`);
  }
  const { timesteps, beginIndex } = schedule;
  const image = encoded.latents;
  const eps: Tensor<Float32Array> = { data: noise.randn(image.shape), shape: image.shape };
  const noised = () => (timesteps.length > 0 ? (scheduler.addNoise(image, eps, [timesteps[0]]) as Tensor<Float32Array>) : image);
  const info = (mode: ImageRunInfo['mode']): ImageRunInfo => ({
    sourceWidth: images!.init!.width,
    sourceHeight: images!.init!.height,
    resize: 'stretch-lanczos3',
    latent: encoded.kind,
    mode,
    strength,
    beginIndex,
  });
  if (!req.mask) return { latents: noised(), timesteps, info: info('img2img'), encoderMs };

  const mask = inpaintMask(images, req.maskBlur ?? 0, shape);
  // Strength 1 starts from pure noise (diffusers' is_strength_max), not from the image noised to t_0.
  const latents = strength === 1 ? { data: eps.data.map((v) => v * scheduler.initNoiseSigma), shape: eps.shape } : noised();
  if (!s.inpaintingUnet) {
    // diffusers encodes the masked image here even for 4-channel UNets; its sample's draw is matched.
    if (encoded.kind === 'posterior-sample') noise.randn(image.shape);
    const afterStep = inpaintBlend(scheduler, image, eps, mask.latent, timesteps);
    return { latents, timesteps, info: info('inpaint'), encoderMs, afterStep };
  }
  const maskedStart = performance.now();
  const masked = { data: pixels.data.map((v, i) => (mask.pixel[i % mask.pixel.length] < 0.5 ? v : 0)), shape: pixels.shape };
  const maskedLatents = (await encodeImage(s, masked, shape.batch, noise, 'sample')).latents;
  encoderMs += performance.now() - maskedStart;
  const unetExtra = withMaskChannel(maskedLatents, mask.latent.map((v) => (v >= 0.5 ? 1 : 0)));
  return { latents, timesteps, info: info('inpaint-unet'), encoderMs, unetExtra };
}

/** The mask at the run's size, and per latent cell the fraction it repaints; it must have the init
 * image's size. */
function inpaintMask(images: RunImages | undefined, blur: number, shape: RunShape): { pixel: Float32Array; latent: Float32Array } {
  const { init, mask } = images ?? {};
  if (!mask) throw new EngineFailure('BAD_REQUEST', 'the spec names a mask but the request carries no pixels (images.mask)');
  if (mask.width !== init!.width || mask.height !== init!.height) {
    throw new EngineFailure('BAD_REQUEST', `the mask is ${mask.width}x${mask.height} but the init image is ${init!.width}x${init!.height}; they must be the same size`);
  }
  const pixel = resizeMask(maskPlane(mask, blur), shape.width, shape.height);
  return { pixel, latent: cellMeans(pixel, shape.width, shape.height, shape.width / shape.latentWidth) };
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
