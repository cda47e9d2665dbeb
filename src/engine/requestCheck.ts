// Checks a request against the loaded model before any inference, with messages that say what to change.
import type { SetTimestepsOptions } from '../core/samplers/scheduler';
import type { RunOptions } from '../protocol/engine';
import { checkRunSpec, RANDOM_SEED, RUN_LIMITS, type RunSpec } from '../protocol/run';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';

export interface RunShape {
  batch: number;
  /** Channels of what the UNet denoises (4 for SD latents, 3 for pixel-space models). */
  channels: number;
  /** Pixels, the spec's or the model's native size. */
  width: number;
  height: number;
  latentHeight: number;
  latentWidth: number;
}

/** A spec with the model's default guidance and steps filled in (resolveSpec, first in runPipeline). */
export type ResolvedSpec = RunSpec & { guidanceScale: number; steps: number };

/** The spec's limits (shared with every surface, src/protocol/run.ts), then what this model takes. */
export function checkRequest(spec: ResolvedSpec, options: RunOptions, s: ModelSessions): RunShape {
  const bad = (message: string) => new EngineFailure('BAD_REQUEST', message);
  const [problem] = checkRunSpec(spec);
  if (problem) throw bad(problem.message);
  if (spec.seed === RANDOM_SEED || spec.subseed === RANDOM_SEED)
    throw bad('seed −1 (random) is drawn by the caller before the run starts');
  const batch = spec.batchSize;
  const { preview } = options;
  if (preview && (!Number.isInteger(preview.every) || preview.every < 0))
    throw bad(`preview.every must be a whole number ≥ 0, not ${preview.every}`);
  if (preview?.kind === 'taesd' && !s.taesdDecoder)
    throw bad(`${s.folder.dir} has no taesd_decoder/ for TAESD previews`);
  if (preview?.kind === 'vae' && !s.vaeDecoder)
    throw bad(`${s.folder.dir} has no vae_decoder/ (a pixel-space model previews x̂0 directly: use 'latent')`);

  const [, unetChannels, fixedH, fixedW] = s.unet.input('sample').shape;
  const channels = typeof unetChannels === 'number' ? s.unetLatentChannels : unetChannels;
  // A tool's sampler fills the mask channels itself for an image without a mask, as the tool does.
  const toolImageToImage = spec.toolSampler !== undefined && spec.initImage !== undefined && !spec.invert;
  if (s.inpaintingUnet && !spec.mask && !toolImageToImage) {
    throw bad(
      `${s.folder.name}'s UNet is an inpainting UNet (${unetChannels} input channels: latents, mask, masked image): ` +
        'give an init image and a mask, or an init image and an A1111 or ComfyUI sampler',
    );
  }
  const scale = s.folder.vaeScale;
  // The family's size is the UNet's own (fixed axes, else sample_size) when the folder gives one.
  const width = spec.width ?? s.family.recommended.width;
  const height = spec.height ?? s.family.recommended.height;
  const micro = (
    [
      ['originalSize', 'original size'],
      ['cropTopLeft', 'crop'],
      ['targetSize', 'target size'],
    ] as const
  )
    .filter(([f]) => spec[f] !== undefined)
    .map(([, label]) => label);
  if (micro.length && !s.unet.inputs.some((i) => i.name === 'time_ids')) {
    const model = `${s.folder.name} (${s.family.family})`;
    throw bad(
      `${micro.join(', ')}: SDXL micro-conditioning, which ${model} does not take (its UNet has no time_ids input)`,
    );
  }
  for (const [name, value, fixed] of [
    ['width', width, fixedW],
    ['height', height, fixedH],
  ] as const) {
    if (value < scale) throw bad(`${name} must be at least ${scale}, not ${value}`);
    if (value % scale !== 0)
      throw bad(`${name} ${value} is not a multiple of ${scale} (try ${Math.round(value / scale) * scale || scale})`);
    if (typeof fixed === 'number' && fixed > 0 && value !== fixed * scale) {
      throw bad(`${name} must be ${fixed * scale}: ${s.folder.name}'s UNet takes a fixed size`);
    }
  }
  const megapixels = (batch * width * height) / 2 ** 20;
  if (megapixels > RUN_LIMITS.megapixels) {
    throw bad(
      `batch × width × height is ${megapixels.toFixed(0)} megapixels, more than the ${RUN_LIMITS.megapixels} this engine takes at once; use a smaller size or batch`,
    );
  }
  if (typeof channels !== 'number')
    throw new EngineFailure('MODEL_INVALID', `unet/model.onnx has no fixed channel count in its sample input`);
  return { batch, channels, width, height, latentHeight: height / scale, latentWidth: width / scale };
}

/** The request's explicit timesteps or σ, checked against the scheduler's training schedule (ᾱ over
 * its timesteps); undefined when it gives none. Whether the sampler takes them is the core's call. */
export function customSchedule(
  req: Pick<RunSpec, 'timesteps' | 'sigmas'>,
  alphasCumprod: Float64Array,
): SetTimestepsOptions | undefined {
  const bad = (message: string) => new EngineFailure('BAD_REQUEST', message);
  const { timesteps, sigmas } = req;
  if (timesteps !== undefined && sigmas !== undefined) throw bad('give custom timesteps or custom sigmas, not both');
  const list = timesteps ?? sigmas;
  if (list === undefined) return undefined;
  const name = timesteps ? 'timesteps' : 'sigmas';
  const min = timesteps ? 1 : 2;
  if (list.length < min) throw bad(`custom ${name} must be a list of at least ${min} numbers`);
  const T = alphasCumprod.length;
  // σ of the last training timestep: the noisiest the model was trained on (∞ for zero terminal SNR).
  const aT = alphasCumprod[T - 1];
  const sigmaMax = Math.sqrt((1 - aT) / aT);
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw bad(`custom ${name}[${i}] is ${typeof v === 'number' ? v : JSON.stringify(v)}, not a finite number`);
    if (i > 0 && v >= list[i - 1])
      throw bad(`custom ${name} must be strictly descending: [${i}] = ${v} follows ${list[i - 1]}`);
    if (timesteps && (v < 0 || v > T - 1))
      throw bad(`custom timestep ${v} is outside the training range 0 to ${T - 1}`);
    // float32 rounding of σ_max is allowed for.
    if (sigmas && (v < 0 || v > sigmaMax * (1 + 1e-6)))
      throw bad(`custom sigma ${v} is outside the training range 0 to ${sigmaMax.toPrecision(6)}`);
  });
  return timesteps ? { timesteps } : { sigmas };
}
