// Checks a request against the loaded model before any inference, with messages that say what to change.
import type { SetTimestepsOptions } from '../core/samplers/scheduler';
import type { GenerateRequest } from '../protocol/engine';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';

export interface RunShape {
  batch: number;
  /** Channels of what the UNet denoises (4 for SD latents, 3 for pixel-space models). */
  channels: number;
  latentHeight: number;
  latentWidth: number;
}

/** A request with the model's default guidance filled in (runPipeline does it first). */
export type ResolvedRequest = GenerateRequest & { guidanceScale: number };

const MAX_BATCH = 64;
const MAX_SIDE = 4096;
/** Pixels over the whole batch: the decoded float images alone take 12 bytes a pixel. */
const MAX_MEGAPIXELS = 64;

export function checkRequest(req: ResolvedRequest, s: ModelSessions): RunShape {
  const bad = (message: string) => new EngineFailure('BAD_REQUEST', message);
  const custom = req.timesteps !== undefined || req.sigmas !== undefined;
  if (!custom && (!Number.isInteger(req.steps) || req.steps < 1 || req.steps > 1000)) throw bad(`steps must be a whole number from 1 to 1000, not ${req.steps}`);
  if (!Number.isInteger(req.seed) || req.seed < 0 || req.seed >= 2 ** 32) throw bad(`seed must be a whole number from 0 to 4294967295, not ${req.seed}`);
  if (!Number.isFinite(req.guidanceScale) || req.guidanceScale < 0) throw bad(`guidance scale must be a number ≥ 0, not ${req.guidanceScale}`);
  const phi = req.guidanceRescale ?? 0;
  if (!Number.isFinite(phi) || phi < 0 || phi > 1) throw bad(`guidance rescale must be from 0 to 1, not ${phi}`);
  const batch = req.batchSize ?? 1;
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) throw bad(`batch size must be a whole number from 1 to ${MAX_BATCH}, not ${batch}`);
  if (req.preview && (!Number.isInteger(req.preview.every) || req.preview.every < 0)) throw bad(`preview.every must be a whole number ≥ 0, not ${req.preview.every}`);
  if (req.preview?.kind === 'taesd' && !s.taesdDecoder) throw bad(`${s.folder.dir} has no taesd_decoder/ for TAESD previews`);
  if (req.preview?.kind === 'vae' && !s.vaeDecoder) throw bad(`${s.folder.dir} has no vae_decoder/ (a pixel-space model previews x̂0 directly: use 'latent')`);

  const [, channels, fixedH, fixedW] = s.unet.input('sample').shape;
  const scale = s.folder.vaeScale;
  const native = (fixed: number | string | undefined) =>
    typeof fixed === 'number' && fixed > 0 ? fixed * scale : (s.folder.sampleSize ?? 64) * scale;
  const width = req.width ?? native(fixedW);
  const height = req.height ?? native(fixedH);
  for (const [name, value, fixed] of [['width', width, fixedW], ['height', height, fixedH]] as const) {
    if (!Number.isInteger(value) || value < scale || value > MAX_SIDE) throw bad(`${name} must be a whole number from ${scale} to ${MAX_SIDE}, not ${value}`);
    if (value % scale !== 0) throw bad(`${name} ${value} is not a multiple of ${scale} (try ${Math.round(value / scale) * scale || scale})`);
    if (typeof fixed === 'number' && fixed > 0 && value !== fixed * scale) {
      throw bad(`${name} must be ${fixed * scale}: ${s.folder.name}'s UNet takes a fixed size`);
    }
  }
  const megapixels = (batch * width * height) / 2 ** 20;
  if (megapixels > MAX_MEGAPIXELS) {
    throw bad(`batch × width × height is ${megapixels.toFixed(0)} megapixels, more than the ${MAX_MEGAPIXELS} this engine takes at once; use a smaller size or batch`);
  }
  if (typeof channels !== 'number') throw new EngineFailure('MODEL_INVALID', `unet/model.onnx has no fixed channel count in its sample input`);
  return { batch, channels, latentHeight: height / scale, latentWidth: width / scale };
}

/** The request's explicit timesteps or σ, checked against the scheduler's training schedule (ᾱ over
 * its timesteps); undefined when it gives none. Whether the sampler takes them is the core's call. */
export function customSchedule(req: GenerateRequest, alphasCumprod: Float64Array): SetTimestepsOptions | undefined {
  const bad = (message: string) => new EngineFailure('BAD_REQUEST', message);
  const { timesteps, sigmas } = req;
  if (timesteps !== undefined && sigmas !== undefined) throw bad('give custom timesteps or custom sigmas, not both');
  const list = timesteps ?? sigmas;
  if (list === undefined) return undefined;
  const name = timesteps ? 'timesteps' : 'sigmas';
  const min = timesteps ? 1 : 2;
  if (!Array.isArray(list) || list.length < min || list.length > 1000 + min - 1) throw bad(`custom ${name} must be a list of ${min} to ${1000 + min - 1} numbers`);
  const T = alphasCumprod.length;
  // σ of the last training timestep: the noisiest the model was trained on (∞ for zero terminal SNR).
  const aT = alphasCumprod[T - 1];
  const sigmaMax = Math.sqrt((1 - aT) / aT);
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`custom ${name}[${i}] is ${typeof v === 'number' ? v : JSON.stringify(v)}, not a finite number`);
    if (i > 0 && v >= list[i - 1]) throw bad(`custom ${name} must be strictly descending: [${i}] = ${v} follows ${list[i - 1]}`);
    if (timesteps && (v < 0 || v > T - 1)) throw bad(`custom timestep ${v} is outside the training range 0 to ${T - 1}`);
    // float32 rounding of σ_max is allowed for.
    if (sigmas && (v < 0 || v > sigmaMax * (1 + 1e-6))) throw bad(`custom sigma ${v} is outside the training range 0 to ${sigmaMax.toPrecision(6)}`);
  });
  return timesteps ? { timesteps } : { sigmas };
}
