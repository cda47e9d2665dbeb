// Pixels → latents with the model's VAE encoder, opened the first time a run needs it (loadVaeEncoder:
// text-to-image never pays for it). Optimum exports give either the latent itself (`latent_sample`;
// Optimum 1.22 samples it inside the graph, unseeded) or the posterior's 2·C channels
// (`latent_parameters`: mean and log-variance, Optimum ≥ 1.23); from those a latent is the mean or a
// seeded sample, as diffusers' retrieve_latents (pipelines/stable_diffusion/
// pipeline_stable_diffusion_img2img.py) and DiagonalGaussianDistribution (models/autoencoders/vae.py).
import type { NoiseSource } from '../core/rng/noiseSource';
import type { Tensor } from '../core/tensor/tensor';
import { EngineFailure } from './engineFailure';
import { loadVaeEncoder, type ModelSessions } from './modelSessions';
import type { ImageRunInfo } from '../protocol/engine';
import { allFinite } from './finite';

/** 'sample' draws the posterior sample from each image's generator (diffusers' img2img and inpaint);
 * 'mean' takes the mean (inversion, where a reconstruction should not depend on a draw). */
export type LatentMode = 'sample' | 'mean';

export interface EncodedLatents {
  /** (z − shift_factor)·scaling_factor, one row per image of the batch. */
  latents: Tensor<Float32Array>;
  kind: ImageRunInfo['latent'];
}

/** Encodes one image [1, 3, H, W] in [−1, 1] into `batch` latent rows. With a posterior output and
 * mode 'sample', row i is mean + std·ε with ε from image i's generator (one draw each, as diffusers). */
export async function encodeImage(
  s: ModelSessions,
  pixels: Tensor<Float32Array>,
  batch: number,
  noise: NoiseSource,
  mode: LatentMode,
): Promise<EncodedLatents> {
  const { model, samplesInGraph } = await loadVaeEncoder(s);
  const out = Object.values(await model.run({ sample: { data: pixels.data, dims: pixels.shape } }))[0];
  const [n, channels, h, w] = out.dims;
  const latentChannels = s.unetLatentChannels;
  const posterior = channels === 2 * latentChannels;
  if (out.dims.length !== 4 || n !== 1 || !(posterior || channels === latentChannels)) {
    const expected = `1×${latentChannels}×h×w latents or 1×${2 * latentChannels}×h×w mean and log-variance`;
    throw new EngineFailure(
      'MODEL_INVALID',
      `vae_encoder/model.onnx returned shape ${out.dims.join('×')}, not ${expected}`,
      {
        file: s.folder.files.vaeEncoder,
      },
    );
  }
  if (!allFinite(out.data)) throw new EngineFailure('NAN_OUTPUT', 'vae_encoder/model.onnx returned NaN or Inf');
  const plane = latentChannels * h * w;
  const shape = [batch, latentChannels, h, w];
  const z = new Float32Array(batch * plane);
  const { scalingFactor: scale, shiftFactor: shift } = s.folder;
  const toLatent = (v: number) => (v - shift) * scale;
  if (!posterior || mode === 'mean') {
    for (let b = 0; b < batch; b++) for (let i = 0; i < plane; i++) z[b * plane + i] = toLatent(out.data[i]);
    const kind = posterior ? 'posterior-mean' : samplesInGraph ? 'graph-sample' : 'encoder-output';
    return { latents: { data: z, shape }, kind };
  }
  const eps = noise.randn(shape);
  for (let i = 0; i < plane; i++) {
    // diffusers clamps the log-variance to [−30, 20] before std = exp(logvar / 2).
    const std = Math.exp(0.5 * Math.min(20, Math.max(-30, out.data[plane + i])));
    for (let b = 0; b < batch; b++) z[b * plane + i] = toLatent(out.data[i] + std * eps[b * plane + i]);
  }
  return { latents: { data: z, shape }, kind: 'posterior-sample' };
}
