// DDIM inversion (Song et al. 2020, https://arxiv.org/abs/2010.02502, §4.3; Mokady et al. 2022,
// https://arxiv.org/abs/2211.09794): the image's latent is carried up to noise by the deterministic
// DDIM update run backwards (DDIMInverseScheduler), then regenerated from that noise by DDIM over the
// same timesteps. How close the regenerated image comes to the input (PSNR) shows how far the
// model's ε-estimates at each step are from those of the way up.
import type { RgbaImage } from '../core/image/rgba';
import { toByte } from '../core/image/rgba';
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { RunImages } from '../protocol/engine';
import { EngineFailure } from './engineFailure';
import { initPixels, type ImageStart } from './initLatents';
import type { Loop, Phase } from './denoise';
import { encodeImage } from './vaeEncode';

/** Inverts the init image with `inverse` and regenerates it with `ddim` (both with the run's steps),
 * through `denoise`, the run's own loop. The latent is the encoder's posterior mean: a reconstruction
 * should not depend on a draw. */
export async function invertImage(
  loop: Loop,
  images: RunImages | undefined,
  inverse: Scheduler,
  ddim: Scheduler,
  denoise: (loop: Loop, phase: Phase) => Promise<Tensor>,
): Promise<{ latents: Tensor; start: ImageStart }> {
  const { s, req, shape, noise } = loop;
  const reference = initPixels(images, shape);
  const started = performance.now();
  const encoded = await encodeImage(s, reference, shape.batch, noise, 'mean');
  const encoderMs = performance.now() - started;
  for (const scheduler of [inverse, ddim]) {
    try {
      scheduler.setTimesteps(req.steps);
    } catch (err) {
      const why = (err as Error).message;
      throw new EngineFailure(
        'BAD_REQUEST',
        `inversion cannot use ${scheduler.className} with ${req.steps} steps: ${why}`,
      );
    }
  }
  const n = req.steps;
  const totalSteps = 2 * n;
  const up = await denoise(loop, {
    scheduler: inverse,
    timesteps: inverse.timesteps,
    latents: encoded.latents,
    totalSteps,
  });
  const latents = await denoise(loop, {
    scheduler: ddim,
    timesteps: ddim.timesteps,
    latents: up,
    firstStep: n,
    totalSteps,
  });
  const info: ImageStart['info'] = {
    sourceWidth: images!.init!.width,
    sourceHeight: images!.init!.height,
    resize: 'stretch-lanczos3',
    latent: encoded.kind,
    mode: 'invert',
    strength: 1,
    beginIndex: 0,
  };
  return { latents, start: { latents: encoded.latents, timesteps: ddim.timesteps, info, encoderMs, reference } };
}

/** Peak signal-to-noise ratio (dB) of an 8-bit image against the reference [1, 3, H, W] in [−1, 1],
 * over RGB as both would be written to a PNG; Infinity when they are the same. */
export function psnr(reference: Tensor, image: RgbaImage): number {
  const [, , h, w] = reference.shape;
  const plane = h * w;
  let squares = 0;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      const d = toByte(reference.data[c * plane + p] * 0.5 + 0.5) - image.rgba[p * 4 + c];
      squares += d * d;
    }
  }
  const mse = squares / (3 * plane);
  return 10 * Math.log10((255 * 255) / mse);
}
