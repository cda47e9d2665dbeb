// The engine's side of a tool-sampler run (RunSpec.toolSampler): plans the σ list and the model calls,
// runs the core sampler in a worker thread (samplerWorker.ts) and answers its model calls with the
// UNet (unetDenoiser.ts), turning the sampler's callbacks into step events with x̂0 previews.
import { Worker } from 'node:worker_threads';
import { modelCallPlan } from '../core/kdiffusion/samplers';
import { ldmAlphasCumprod, sigmaTable } from '../core/kdiffusion/sigmaTable';
import { toolImageSigmas } from '../core/kdiffusion/toolImageSigmas';
import { toolTimestep } from '../core/kdiffusion/toolRun';
import {
  isToolFinding,
  resolveToolSampler,
  type ResolvedToolSampler,
  toolSigmas,
} from '../core/kdiffusion/toolSamplers';
import { toolSamplerRefusal } from '../core/model/toolSamplerSupport';
import { toolNames } from '../core/kdiffusion/toolNames';
import type { NoiseRunSpec } from '../core/noise/conventions';
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { RunOptions, StepEvent, ToolRunInfo } from '../protocol/engine';
import { DEFAULT_STRENGTH, isVaried, specNoise } from '../protocol/run';
import { EngineFailure } from './engineFailure';
import { startEngineWorker } from './engineWorker';
import type { RunControl } from './denoise';
import type { ResolvedSpec } from './requestCheck';
import { customSchedule } from './requestCheck';
import { REPLY, sharedFor, type ArrayCadence, type SamplerJob, type WorkerMessage } from './samplerBridge';
import { denoiserBuffers, denoiseWithUnet, type PredictionType, type UnetDenoiser } from './unetDenoiser';
import { previewImage } from './decode';
import { allFinite } from './finite';

export interface ToolPlan {
  resolved: ResolvedToolSampler;
  job: SamplerJob;
  info: ToolRunInfo;
  /** Sampler steps (callbacks) the run makes, for "step k/N"; an estimate for dpm_adaptive. */
  totalSteps: number;
  /** Where an image-to-image run's σ start in the schedule the tool cut them from (0 without an image). */
  beginIndex: number;
  prediction: PredictionType;
}

/** Resolves the spec's tool sampler on the model's training schedule, from `init` (the init image's latents,
 * and the inpainting mask at the latents' size) where the run has one; bad requests throw BAD_REQUEST. */
export function planToolRun(
  req: ResolvedSpec,
  scheduler: Scheduler,
  latentShape: number[],
  seeds: number[],
  init?: { latents: Float32Array; mask?: Float32Array },
): ToolPlan {
  const bad = (message: string) => new EngineFailure('BAD_REQUEST', message);
  const ts = req.toolSampler!;
  const resolved = resolveToolSampler(ts.tool, ts.sampler, ts.schedule);
  if (isToolFinding(resolved)) throw bad(resolved.message);
  // checkRequest has checked the names, the noise convention and whether the sampler takes a σ list.
  const convention = specNoise(req);
  const refusal = toolSamplerRefusal(scheduler.config);
  if (refusal) throw bad(refusal);
  const alphasCumprod = toolAlphasCumprod(scheduler);
  const prediction = scheduler.config.prediction_type as PredictionType;
  if (req.sigmas) customSchedule({ sigmas: req.sigmas }, alphasCumprod);
  const table = sigmaTable(alphasCumprod, resolved.tool);
  const image = init && { ...init, strength: req.strength ?? DEFAULT_STRENGTH };
  let sigmas: number[];
  let beginIndex = 0;
  try {
    if (image) ({ sigmas, beginIndex } = toolImageSigmas(resolved, table, req.steps, image.strength));
    else sigmas = req.sigmas ? [...req.sigmas] : toolSigmas(resolved, table, req.steps);
  } catch (err) {
    throw bad(`${ts.sampler}: ${(err as Error).message}`);
  }
  const [batch, ...imageShape] = latentShape;
  const noise: NoiseRunSpec = {
    convention,
    seed: seeds[0],
    imageShape,
    batchSize: batch,
    // A1111's variation seed and ENSD (checkRequest has refused them with another convention).
    ...(isVaried(req) && { subseed: req.subseed, subseedStrength: req.subseedStrength }),
    ...(req.etaNoiseSeedDelta && { etaNoiseSeedDelta: req.etaNoiseSeedDelta }),
  };
  const job: SamplerJob = { toolSampler: ts, alphasCumprod, steps: req.steps, sigmas: req.sigmas, noise, init: image };
  const names = toolNames(resolved);
  const info: ToolRunInfo = {
    tool: resolved.tool,
    sampler: resolved.sampler.id,
    noise: convention,
    sigmas,
    a1111: names.a1111,
    comfyui: names.comfyui,
  };
  const totalSteps = plannedSteps(resolved, sigmas, alphasCumprod);
  return { resolved, job, info, totalSteps, prediction, beginIndex };
}

/** The scheduler config keys a tool run reads (the training schedule and prediction type): warnings about
 * the others (timestep spacing, σ options) do not concern it. */
const TRAINING_KEYS = [
  'beta_start',
  'beta_end',
  'beta_schedule',
  'num_train_timesteps',
  'trained_betas',
  'prediction_type',
  'rescale_betas_zero_snr',
];
export const readsKey = (key: string): boolean => TRAINING_KEYS.includes(key);

/** The ᾱ the tools compute for the model: SD's scaled-linear betas as the LDM code (and ComfyUI's
 * make_beta_schedule) does, in float64; any other schedule as the scheduler holds it. */
function toolAlphasCumprod(scheduler: Scheduler): Float64Array {
  const c = scheduler.config;
  if (c.beta_schedule === 'scaled_linear' && c.trained_betas == null) {
    return ldmAlphasCumprod(c.beta_start as number, c.beta_end as number, c.num_train_timesteps as number);
  }
  return scheduler.alphasCumprod;
}

/** The sampler's steps over `sigmas`, from a dry run of its model calls (A1111's UniPC reads the model's ᾱ). */
function plannedSteps(r: ResolvedToolSampler, sigmas: number[], alphasCumprod: Float64Array): number {
  if (r.sampler.adaptive || sigmas.length < 2) return Math.max(0, sigmas.length - 1);
  const plan = modelCallPlan(r.sampler, sigmas, { ...r.options, alphasCumprod });
  return plan.length ? plan[plan.length - 1].step + 1 : 0;
}

export interface ToolLoop {
  plan: ToolPlan;
  denoiser: Omit<UnetDenoiser, 'timestep' | 'prediction' | 'buffers'>;
  options: RunOptions;
  control: RunControl;
  unetStepMs: number[];
  unetRunMs: number[];
}

/** Runs the planned sampler to the latents the tool decodes. */
export function sampleWithTool(loop: ToolLoop): Promise<Tensor> {
  const { plan, denoiser } = loop;
  const table = sigmaTable(plan.job.alphasCumprod, plan.resolved.tool);
  const timestep = (sigma: number) => toolTimestep({ resolved: plan.resolved, table }, sigma);
  const buffers = denoiserBuffers(denoiser.latentShape, denoiser.text?.uncond !== undefined);
  const unet: UnetDenoiser = { ...denoiser, timestep, prediction: plan.prediction, buffers };
  const size = denoiser.latentShape.reduce((a, b) => a * b, 1);
  const shared = sharedFor(size);
  // The worker waits while the engine answers a model call: x and x̂0 are read and written in place.
  const [sharedX, sharedX0, sharedSigma] = [
    new Float32Array(shared.x),
    new Float32Array(shared.x0),
    new Float64Array(shared.sigma),
  ];
  const preview = loop.options.preview ?? { every: 1, kind: 'none' as const };
  const shows = preview.kind !== 'none' || loop.options.captureLatents;
  const arrays: ArrayCadence = { every: shows ? preview.every : 0, totalSteps: plan.totalSteps };
  const worker = takeWorker();
  worker.postMessage({ job: plan.job, shared, arrays });
  const ctrl = new Int32Array(shared.ctrl);
  const reply = (state: number) => {
    Atomics.store(ctrl, 0, state);
    Atomics.notify(ctrl, 0);
  };
  let stepStart = performance.now();
  let runMs = 0;
  let outputNorm = 0;

  const denoise = async () => {
    const d = await denoiseWithUnet(unet, sharedX, sharedSigma[0], sharedX0);
    runMs += d.unetMs;
    outputNorm = d.outputNorm;
    reply(REPLY.ready);
  };
  const step = async (m: Extract<WorkerMessage, { type: 'step' }>) => {
    const total = Math.max(plan.totalSteps, m.i + 1);
    const event: StepEvent = {
      step: m.i,
      totalSteps: total,
      t: timestep(m.sigmaHat),
      sigma: m.sigmaHat,
      latentShape: denoiser.latentShape,
      noiseNorm: outputNorm,
    };
    // The worker sent x and x̂0 exactly at this cadence (atCadence), when anything shows them.
    if (m.x && loop.options.captureLatents) Object.assign(event, { xt: m.x, x0: m.denoised });
    if (m.denoised && preview.kind !== 'none') {
      event.preview = await previewImage(denoiser.s, preview.kind, { data: m.denoised, shape: denoiser.latentShape });
    }
    loop.control.onStep(event);
    loop.unetStepMs.push(performance.now() - stepStart);
    loop.unetRunMs.push(runMs);
    [stepStart, runMs] = [performance.now(), 0];
    if (loop.control.cancelled()) throw new EngineFailure('CANCELLED', `cancelled after step ${m.i + 1} of ${total}`);
  };

  return new Promise<Tensor>((resolve, reject) => {
    // Messages are handled one after another: a model call waits for the previous step's preview.
    let queue = Promise.resolve();
    let finished = false;
    const finish = (err: Error | undefined, latents?: Float32Array) => {
      if (finished) return;
      finished = true;
      reply(REPLY.stop);
      worker.off('message', onMessage).off('error', onError);
      release(worker, err === undefined);
      if (err) reject(err);
      else resolve({ data: latents!, shape: denoiser.latentShape });
    };
    const onMessage = (m: WorkerMessage) => {
      queue = queue
        .then(async () => {
          if (finished) return;
          if (m.type === 'denoise') await denoise();
          else if (m.type === 'step') await step(m);
          else if (m.type === 'error') {
            throw new EngineFailure('BAD_REQUEST', `${plan.job.toolSampler.sampler}: ${m.message}`);
          } else if (!allFinite(m.x)) throw new EngineFailure('NAN_OUTPUT', 'the sampler returned NaN or Inf');
          else finish(undefined, m.x);
        })
        .catch((err: Error) => finish(err));
    };
    const onError = (err: Error) => finish(new EngineFailure('INTERNAL', `sampler worker: ${err.message}`));
    worker.on('message', onMessage).on('error', onError);
  });
}

/** The worker of the last tool run that ended cleanly, idle: the next run takes it rather than wait
 * about 80 ms for a new one to load (a sweep runs many). A worker whose run failed or was stopped may
 * be mid-job, so it is ended instead. */
let idle: Worker | undefined;

/** Starts the next tool run's worker now, unless one is idle, so that it loads while the run encodes its
 * prompt. */
export function prepareSamplerWorker(): void {
  if (idle) return;
  idle = startWorker();
  idle.unref();
}

function takeWorker(): Worker {
  const worker = idle ?? startWorker();
  idle = undefined;
  worker.ref();
  return worker;
}

function release(worker: Worker, clean: boolean): void {
  if (!clean) return void worker.terminate();
  // An idle worker does not keep the engine process alive.
  worker.unref();
  idle = worker;
}

/** A new sampler worker (samplerWorker.ts). */
function startWorker(): Worker {
  const worker = startEngineWorker('samplerWorker');
  // One that dies while idle is not handed out again (and its error does not end the engine).
  const forget = () => idle === worker && (idle = undefined);
  return worker.on('exit', forget).on('error', forget);
}
