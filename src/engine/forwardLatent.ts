// The forward process in a model's latent space, for the forward view: the image stretched to a
// multiple of the latent factor (the run's resize rule, src/engine/imagePixels.ts), encoded once to the
// posterior mean z_0 (vaeEncode.ts, as inversion takes it), then z_t = √ᾱ_t·z_0 + √(1 − ᾱ_t)·ε for each
// asked level (Ho et al. 2020, eq. 4, on latents as diffusers' add_noise does in img2img), decoded by
// the VAE and previewed by the linear latent→RGB map. ε comes from the seed, so a seed gives the same
// pictures every time.
import { TorchGenerator } from '../core/rng/torchGenerator';
import type { Tensor } from '../core/tensor/tensor';
import {
  FORWARD_LATENT_LIMITS,
  type ForwardLatentRequest,
  type ForwardLatentResult,
  type PreviewImage,
} from '../protocol/engine';
import { decodeImages, previewImage } from './decode';
import { EngineFailure } from './engineFailure';
import { initImageTensor } from './imagePixels';
import type { ModelSessions } from './modelSessions';
import { encodeImage } from './vaeEncode';

/** The last image encoded, by model and the host's key: a moving slider re-encodes nothing. */
let encoded: { sessions: ModelSessions; key: string; z0: Tensor<Float32Array> } | undefined;

export async function forwardLatent(s: ModelSessions, req: ForwardLatentRequest): Promise<ForwardLatentResult> {
  check(s, req);
  const z0 = await encodedImage(s, req);
  const [, channels, h, w] = z0.shape;
  const plane = z0.data.length;
  const eps = new TorchGenerator(req.seed).randn(z0.shape);
  const batch = new Float32Array(req.levels.length * plane);
  req.levels.forEach(({ signal, noise }, b) => {
    for (let i = 0; i < plane; i++) batch[b * plane + i] = signal * z0.data[i] + noise * eps[i];
  });
  const shape = [req.levels.length, channels, h, w];
  const { images } = await decodeImages(s, { data: batch, shape });
  const previews: PreviewImage[] = [];
  for (let b = 0; b < req.levels.length; b++) {
    const one = { data: batch.subarray(b * plane, (b + 1) * plane), shape: [1, channels, h, w] };
    previews.push(await previewImage(s, 'latent', one));
  }
  return { images, previews, latentShape: [...z0.shape] };
}

function check(s: ModelSessions, req: ForwardLatentRequest): void {
  if (!s.vaeDecoder) {
    throw new EngineFailure('BAD_REQUEST', `${s.folder.dir} has no VAE: its forward process is the pixel-space one`);
  }
  const { levels, side } = FORWARD_LATENT_LIMITS;
  if (req.levels.length < 1 || req.levels.length > levels) {
    throw new EngineFailure('BAD_REQUEST', `the forward view asks for 1 to ${levels} levels, not ${req.levels.length}`);
  }
  // √ᾱ and √(1 − ᾱ) lie in [0, 1].
  const unit = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
  const bad = req.levels.find((l) => !unit(l.signal) || !unit(l.noise));
  if (bad)
    throw new EngineFailure('BAD_REQUEST', `noise level ${JSON.stringify(bad)} is not √ᾱ and √(1 − ᾱ) in [0, 1]`);
  if (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > FORWARD_LATENT_LIMITS.seed) {
    const message = `seed must be a whole number from 0 to ${FORWARD_LATENT_LIMITS.seed}, not ${req.seed}`;
    throw new EngineFailure('BAD_REQUEST', message);
  }
  const { width, height } = req.image;
  if (width < 1 || height < 1 || Math.max(width, height) > side) {
    throw new EngineFailure(
      'BAD_REQUEST',
      `the forward view's image is ${width}×${height}; sides must be 1 to ${side}`,
    );
  }
}

async function encodedImage(s: ModelSessions, req: ForwardLatentRequest): Promise<Tensor<Float32Array>> {
  if (encoded?.sessions === s && encoded.key === req.imageKey) return encoded.z0;
  const f = s.folder.vaeScale;
  // Stretched to the nearest multiple of the latent factor (at least one latent cell a side).
  const fit = (n: number) => Math.max(f, Math.round(n / f) * f);
  const pixels = initImageTensor(req.image, fit(req.image.width), fit(req.image.height));
  // The mean: no draw, so the noise below is the seed's first.
  const unused = { randn: () => new Float32Array(0) };
  const { latents } = await encodeImage(s, pixels, 1, unused, 'mean');
  encoded = { sessions: s, key: req.imageKey, z0: latents };
  return latents;
}
