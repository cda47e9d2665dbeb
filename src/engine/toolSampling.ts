// The engine's side of a tool-sampler run (RunSpec.toolSampler): plans the σ list and the model calls, then
// drives the core sampler (a generator over its model calls) on the engine's thread, answering each call
// with the UNet (unetDenoiser.ts) and turning the steps it reports into step events with x̂0 previews. Its
// noise is drawn on the noise worker while the UNet runs (toolNoiseAhead.ts).
import type { Sampling, StepCallback } from '../core/kdiffusion/denoiser';
import { modelCallPlan } from '../core/kdiffusion/samplers';
import { ldmAlphasCumprod, sigmaTable } from '../core/kdiffusion/sigmaTable';
import { toolImageSigmas } from '../core/kdiffusion/toolImageSigmas';
import {
  noisePrefetch,
  noiseSamplerFor,
  prepareToolRun,
  toolSampling,
  toolTimestep,
  treeRange,
  type NoiseFactory,
  type ToolRun,
  type ToolRunSpec,
} from '../core/kdiffusion/toolRun';
import {
  isToolFinding,
  resolveToolSampler,
  type ResolvedToolSampler,
  toolSigmas,
} from '../core/kdiffusion/toolSamplers';
import { toolSamplerRefusal } from '../core/model/toolSamplerSupport';
import { toolNames } from '../core/kdiffusion/toolNames';
import { imageSize, type NoiseRunSpec } from '../core/noise/conventions';
import type { Finding } from '../core/config/findings';
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { RunOptions, StepEvent, ToolRunInfo } from '../protocol/engine';
import { DEFAULT_STRENGTH, isVaried, specNoise, type RunSpec, type ToolSamplerSpec } from '../protocol/run';
import { EngineFailure } from './engineFailure';
import type { RunControl } from './denoise';
import { AHEAD_MIN_VALUES, prepareNoiseWorkerFor, readyNoiseWorker } from './noiseAhead';
import type { ResolvedSpec } from './requestCheck';
import { customSchedule } from './requestCheck';
import { atCadence, type ArrayCadence } from './stepCadence';
import { toolNoiseAhead } from './toolNoiseAhead';
import { denoiserBuffers, denoiseWithUnet, type PredictionType, type UnetDenoiser } from './unetDenoiser';
import { previewImage } from './decode';
import { allFinite } from './finite';

export interface ToolPlan {
  resolved: ResolvedToolSampler;
  /** The sampler's names as the request gave them (the noise worker resolves them again). */
  names: ToolSamplerSpec;
  spec: ToolRunSpec;
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
  const image = init && { ...init, strength: req.strength ?? DEFAULT_STRENGTH, maskedContent: req.maskedContent };
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
  const spec: ToolRunSpec = { resolved, alphasCumprod, steps: req.steps, sigmas: req.sigmas, noise, init: image };
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
  return { resolved, names: ts, spec, info, totalSteps, prediction, beginIndex };
}

/** The scheduler config keys a tool run reads (the training schedule and prediction type): warnings about
 * the others (timestep spacing, σ options) do not concern it, but those about a key no scheduler has do (a
 * misspelling, perhaps of one of these). */
const TRAINING_KEYS = [
  'beta_start',
  'beta_end',
  'beta_schedule',
  'num_train_timesteps',
  'trained_betas',
  'prediction_type',
  'rescale_betas_zero_snr',
];
export const concernsToolRun = (f: Pick<Finding, 'code' | 'path'>): boolean =>
  f.code === 'unknown-key' || TRAINING_KEYS.includes(String(f.path[0]));

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

/** Starts the noise worker for a run whose tool sampler draws noise of `values` a draw (prepareNoiseWorkerFor;
 * a deterministic sampler never needs it). */
export function prepareToolNoise(spec: Pick<RunSpec, 'toolSampler'>, values: number): void {
  const ts = spec.toolSampler;
  const r = ts && resolveToolSampler(ts.tool, ts.sampler, ts.schedule);
  if (r && !isToolFinding(r) && r.sampler.noise !== 'none') prepareNoiseWorkerFor(values);
}

export interface ToolLoop {
  plan: ToolPlan;
  denoiser: Omit<UnetDenoiser, 'timestep' | 'prediction' | 'buffers'>;
  options: RunOptions;
  control: RunControl;
  unetStepMs: number[];
  unetRunMs: number[];
}

/** A step the sampler reported, its x and x̂0 copied where anything shows them. */
type ToolStep = Parameters<StepCallback>[0];

/** Runs the planned sampler to the latents the tool decodes: the sampler yields each model call, the UNet
 * answers it, and the steps it reported in between become step events (with previews) before the next. */
export async function sampleWithTool(loop: ToolLoop): Promise<Tensor> {
  const { plan, denoiser } = loop;
  const bad = (err: unknown) => new EngineFailure('BAD_REQUEST', `${plan.names.sampler}: ${(err as Error).message}`);
  const noise = aheadNoiseFactory(plan.names);
  let run: ToolRun;
  try {
    run = prepareToolRun(plan.spec, noise.make);
  } catch (err) {
    throw bad(err);
  }
  const table = sigmaTable(plan.spec.alphasCumprod, plan.resolved.tool);
  const timestep = (sigma: number) => toolTimestep({ resolved: plan.resolved, table }, sigma);
  const buffers = denoiserBuffers(denoiser.latentShape, denoiser.text?.uncond !== undefined);
  const unet: UnetDenoiser = { ...denoiser, timestep, prediction: plan.prediction, buffers };
  const { x0 } = buffers;
  const preview = loop.options.preview ?? { every: 1, kind: 'none' as const };
  const shows = preview.kind !== 'none' || loop.options.captureLatents;
  const cadence: ArrayCadence = { every: shows ? preview.every : 0, totalSteps: plan.totalSteps };
  const steps: ToolStep[] = [];
  const collect: StepCallback = (s) =>
    steps.push(
      atCadence(s.i, cadence) ? { ...s, x: Float32Array.from(s.x), denoised: Float32Array.from(s.denoised) } : s,
    );
  const prefetch = noisePrefetch(run);
  const report = stepReporter(loop, timestep, cadence);
  try {
    const sampling = toolSampling(run, collect);
    let next = advance(sampling, undefined, bad);
    while (!next.done) {
      await report(steps.splice(0));
      prefetch(next.value.sigma);
      const d = await denoiseWithUnet(unet, next.value.x, next.value.sigma, x0);
      report.ran(d.unetMs, d.outputNorm);
      next = advance(sampling, x0, bad);
    }
    await report(steps.splice(0));
    if (!allFinite(next.value)) throw new EngineFailure('NAN_OUTPUT', 'the sampler returned NaN or Inf');
    // A sampler that returns D(x, σ) itself returns a view of the buffers the next run takes.
    const own = next.value.buffer === x0.buffer ? next.value.slice() : next.value;
    return { data: own, shape: denoiser.latentShape };
  } finally {
    noise.end();
    buffers.release();
  }
}

/** The sampler's next model call (or its result) after `x0`; what it throws is a bad request (a noise
 * sampler's refusal, a schedule it cannot take), but not the engine's own failures. */
function advance(sampling: Sampling<Float32Array>, x0: Float32Array | undefined, bad: (err: unknown) => Error) {
  try {
    return x0 ? sampling.next(x0) : sampling.next();
  } catch (err) {
    throw err instanceof EngineFailure ? err : bad(err);
  }
}

/** Turns reported steps into step events: x̂0 previews where shown, timings, and a stop when cancelled. */
function stepReporter(loop: ToolLoop, timestep: (sigma: number) => number, cadence: ArrayCadence) {
  const { plan, denoiser, control, options } = loop;
  const kind = options.preview?.kind ?? 'none';
  let stepStart = performance.now();
  let runMs = 0;
  let outputNorm = 0;
  const report = async (steps: ToolStep[]) => {
    for (const m of steps) {
      const total = Math.max(plan.totalSteps, m.i + 1);
      const event: StepEvent = {
        step: m.i,
        totalSteps: total,
        t: timestep(m.sigmaHat),
        sigma: m.sigmaHat,
        latentShape: denoiser.latentShape,
        noiseNorm: outputNorm,
      };
      const shown = atCadence(m.i, cadence);
      if (shown && options.captureLatents) Object.assign(event, { xt: m.x, x0: m.denoised });
      if (shown && kind !== 'none') {
        event.preview = await previewImage(denoiser.s, kind, { data: m.denoised, shape: denoiser.latentShape });
      }
      control.onStep(event);
      loop.unetStepMs.push(performance.now() - stepStart);
      loop.unetRunMs.push(runMs);
      [stepStart, runMs] = [performance.now(), 0];
      if (control.cancelled()) throw new EngineFailure('CANCELLED', `cancelled after step ${m.i + 1} of ${total}`);
    }
  };
  return Object.assign(report, {
    ran(ms: number, norm: number) {
      runMs += ms;
      outputNorm = norm;
    },
  });
}

/** Makes the run's noise sampler on the noise worker where it has loaded and the draws are large enough
 * (they then overlap the UNet), else on this thread. */
function aheadNoiseFactory(names: ToolSamplerSpec): { make: NoiseFactory; end(): void } {
  let ahead: ReturnType<typeof toolNoiseAhead> | undefined;
  const make: NoiseFactory = (r, noise, sigmas) => {
    if (r.sampler.noise === 'none') return undefined;
    const worker = readyNoiseWorker();
    if (!worker || imageSize(noise) * noise.batchSize < AHEAD_MIN_VALUES) return noiseSamplerFor(r, noise, sigmas);
    if (r.sampler.noise === 'brownian') treeRange(sigmas);
    return (ahead = toolNoiseAhead(worker, r, names, noise, sigmas));
  };
  return { make, end: () => ahead?.end() };
}
