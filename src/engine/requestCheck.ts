// Checks a request against the loaded model before any inference, with messages that say what to change.
import type { SetTimestepsOptions } from '../core/samplers/scheduler';
import { explicitScheduleProblem } from '../core/samplers/explicitSchedule';
import type { RunOptions } from '../protocol/engine';
import { checkRunSpec, RANDOM_SEED, type RunSpec } from '../protocol/run';
import { fitProblems } from '../protocol/modelFit';
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

  const [misfit] = fitProblems(spec, s.fit);
  if (misfit) throw new EngineFailure('BAD_REQUEST', misfit.message, { field: misfit.field });
  const unetChannels = s.unet.input('sample').shape[1];
  const channels = typeof unetChannels === 'number' ? s.unetLatentChannels : unetChannels;
  // The family's size is the UNet's own (fixed axes, else sample_size) when the folder gives one.
  const width = spec.width ?? s.fit.recommended.width;
  const height = spec.height ?? s.fit.recommended.height;
  const scale = s.folder.vaeScale;
  if (typeof channels !== 'number')
    throw new EngineFailure('MODEL_INVALID', `unet/model.onnx has no fixed channel count in its sample input`);
  return { batch, channels, width, height, latentHeight: height / scale, latentWidth: width / scale };
}

/** The request's explicit timesteps or σ, checked against the scheduler's training schedule (ᾱ over
 * its timesteps); undefined when it gives none. Whether the sampler takes them is the core's call. */
export function customSchedule(req: SetTimestepsOptions, alphasCumprod: Float64Array): SetTimestepsOptions | undefined {
  const problem = explicitScheduleProblem(req, alphasCumprod);
  if (problem) throw new EngineFailure('BAD_REQUEST', problem.message, { field: problem.field });
  const { timesteps, sigmas } = req;
  return timesteps ? { timesteps } : sigmas && { sigmas };
}
