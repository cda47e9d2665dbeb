// The text-to-image loop of diffusers' ONNX Stable Diffusion pipeline (and the DDPM pipeline for
// pixel-space unconditional UNets): encode prompts, seeded noise × init σ, per step guided UNet +
// scheduler step, decode. The UNet is the only model call per step; everything else is array math.
import { createScheduler } from '../core/samplers/registry';
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { GenerateRequest, GenerateResult, ImageOut, RunInfo, StepEvent } from '../protocol/engine';
import type { RunSpec } from '../protocol/run';
import { EngineFailure } from './engineFailure';
import { checkRequest, customSchedule } from './requestCheck';
import { loadTaesd, type ModelSessions } from './modelSessions';
import type { Output } from './onnxModel';
import { runNoise } from './seededNoise';
import { decodeImages, previewImage } from './decode';
import { encodePrompts } from './textEncoding';
import { encodePng } from './png';
import { allFinite } from './finite';
import { rowsPadded } from './batchRows';
import { guide, unguided } from './guidance';
import { StepBuffers } from './stepBuffers';
import { defaultGuidance } from '../modelFolder/modelFolder';

export interface RunControl {
  onStep(event: StepEvent): void;
  /** Checked between steps; true stops the run with CANCELLED. */
  cancelled(): boolean;
}

/** Runs one request on loaded sessions; `loadMs` is what loading them took (0 when cached), so the
 * run's total counts it. */
export async function runPipeline(s: ModelSessions, request: GenerateRequest, control: RunControl, loadMs: number): Promise<GenerateResult> {
  const started = performance.now();
  const { options } = request;
  const req = { ...request.spec, guidanceScale: request.spec.guidanceScale ?? defaultGuidance(s.folder) };
  if (options.preview?.kind === 'taesd') await loadTaesd(s);
  const shape = checkRequest(req, options, s);
  const { scheduler, warnings } = buildScheduler(s, req);
  const custom = customSchedule(req, scheduler.alphasCumprod);
  try {
    scheduler.setTimesteps(req.steps, custom);
  } catch (err) {
    const what = custom ? `custom ${custom.timesteps ? 'timesteps' : 'sigmas'}` : `${req.steps} steps`;
    throw new EngineFailure('BAD_REQUEST', `${scheduler.className} cannot take ${what}: ${(err as Error).message}`);
  }

  const textStart = performance.now();
  const text = s.folder.kind === 'text2img' ? await encodePrompts(s, req, shape) : undefined;
  const textEncoderMs = performance.now() - textStart;

  const latentShape = [shape.batch, shape.channels, shape.latentHeight, shape.latentWidth];
  const { seeds, noise, initial } = runNoise(req, latentShape);
  let latents: Tensor = { data: initial, shape: latentShape };
  if (scheduler.initNoiseSigma !== 1) latents = scaled(latents, scheduler.initNoiseSigma);

  const guided = text?.uncond !== undefined;
  const buffers = new StepBuffers(latentShape, guided ? 2 : 1);
  const unetStepMs: number[] = [];
  const unetRunMs: number[] = [];
  const timesteps = scheduler.timesteps;
  // Without a preview setting, latents (when captured) come every step.
  const preview = options.preview ?? { every: 1, kind: 'none' };
  for (let i = 0; i < timesteps.length; i++) {
    const stepStart = performance.now();
    const t = timesteps[i];
    const input = scheduler.scaleModelInput(buffers.fillInput(latents), t, buffers.input.data);
    const runStart = performance.now();
    const out = await runUnet(s, input, t, text?.hidden);
    unetRunMs.push(performance.now() - runStart);
    const estimate = guided ? guide(out, req.guidanceScale, req.guidanceRescale, shape.batch, buffers.eps) : unguided(out);
    if (!estimate.finite) {
      throw new EngineFailure('NAN_OUTPUT', `the UNet returned NaN or Inf at step ${i + 1} of ${timesteps.length} (timestep ${t})`, { step: i });
    }
    const step = scheduler.step({ data: estimate.eps, shape: latentShape }, t, latents, noise, { out: buffers.out(i) });
    latents = step.prevSample;
    if (!allFinite(latents.data)) {
      throw new EngineFailure('NAN_OUTPUT', `the ${scheduler.className} step returned NaN or Inf at step ${i + 1} of ${timesteps.length} (timestep ${t})`, { step: i });
    }

    const atCadence = preview.every > 0 && ((i + 1) % preview.every === 0 || i === timesteps.length - 1);
    const event: StepEvent = {
      step: i, totalSteps: timesteps.length, t, sigma: scheduler.sigmaAt(t), latentShape, noiseNorm: estimate.rms,
    };
    if (atCadence && options.captureLatents) {
      event.xt = Float32Array.from(latents.data);
      event.x0 = Float32Array.from(step.predOriginalSample.data);
    }
    if (atCadence && preview.kind !== 'none') event.preview = await previewImage(s, preview.kind, step.predOriginalSample);
    control.onStep(event);
    // Let the cancel message in before the next step.
    await new Promise((resolve) => setImmediate(resolve));
    unetStepMs.push(performance.now() - stepStart);
    if (control.cancelled()) throw new EngineFailure('CANCELLED', `cancelled after step ${i + 1} of ${timesteps.length}`);
  }

  const vaeStart = performance.now();
  const { images: decoded, pixels } = await decodeImages(s, latents);
  const vaeMs = performance.now() - vaeStart;

  const images: ImageOut[] = decoded.map((img) => ({ ...img, png: encodePng(img.rgba, img.width, img.height) }));
  const tensors = options.returnTensors
    ? { latents: Float32Array.from(latents.data), latentShape, image: pixels.data, imageShape: pixels.dims }
    : undefined;
  const info: RunInfo = {
    spec: { ...req, width: shape.width, height: shape.height, steps: custom ? timesteps.length : req.steps },
    seeds,
    scheduler: { _class_name: scheduler.className, ...scheduler.config },
    model: { dir: s.folder.dir, name: s.folder.name, hash: s.hash, kind: s.folder.kind },
    provider: s.provider,
    providerFallbacks: s.providerFallbacks,
    timings: { loadMs, textEncoderMs, unetStepMs, unetRunMs, vaeMs, totalMs: loadMs + performance.now() - started },
    warnings: text?.truncation ? [...warnings, text.truncation] : warnings,
    unknownWords: text?.unknownWords ?? [],
    truncatedTokens: text?.truncatedTokens ?? 0,
    promptTokens: text?.tokenCount ?? 0,
    promptChunks: text?.chunks ?? 0,
  };
  return { images, info, tensors };
}

/** The model's scheduler config with the request's keys on top (a `_class_name` there switches
 * the class and keeps the model's schedule, like diffusers' `from_config`). */
/** The scheduler, and the config's warnings (a misspelt key, a key the class ignores) worded for the
 * user: a run on a config that says one thing and runs another must not pass silently. */
function buildScheduler(s: ModelSessions, req: RunSpec): { scheduler: Scheduler; warnings: string[] } {
  const { scheduler, findings } = createScheduler(s.folder.schedulerConfig, req.scheduler ?? {});
  const errors = findings.filter((f) => f.severity === 'error');
  if (!scheduler) {
    const where = req.scheduler ? 'the requested scheduler' : `${s.folder.dir}/scheduler/scheduler_config.json`;
    throw new EngineFailure('BAD_REQUEST', `cannot build ${where}: ${errors.map((f) => f.message).join('; ') || 'unknown scheduler'}`);
  }
  const warnings = findings
    .filter((f) => f.severity === 'warning')
    .map((f) => `scheduler config${f.path.length ? ` ${f.path.join('.')}` : ''}: ${f.message}`);
  return { scheduler, warnings };
}

async function runUnet(s: ModelSessions, input: Tensor, t: number, hidden: Tensor | undefined): Promise<Float32Array> {
  const [n, ...rest] = input.shape;
  const per = s.unet.fixedBatch('sample') ?? n;
  const plane = input.data.length / n;
  const ctxPlane = hidden ? hidden.data.length / n : 0;
  const tInfo = s.unet.input('timestep');
  // timestep: float rank 0 (Optimum), float [batch] (older script) or int64 [1] (old Hub exports).
  const tDims = tInfo.shape.length === 0 ? [] : tInfo.shape[0] === 1 ? [1] : [per];
  const feeds = (b: number): Parameters<typeof s.unet.run>[0] => ({
    sample: { data: rowsPadded(input.data, plane, b, per), dims: [per, ...rest] },
    timestep: { data: new Array(tDims[0] ?? 1).fill(t), dims: tDims },
    ...(hidden && {
      encoder_hidden_states: { data: rowsPadded(hidden.data, ctxPlane, b, per), dims: [per, ...hidden.shape.slice(1)] },
    }),
  });
  // One call takes the whole batch: its output is the result, uncopied.
  if (per >= n) return checkedOutput(s, await s.unet.run(feeds(0)), [per, ...rest]).data.subarray(0, input.data.length);
  const out = new Float32Array(input.data.length);
  for (let b = 0; b < n; b += per) {
    const result = checkedOutput(s, await s.unet.run(feeds(b)), [per, ...rest]);
    out.set(result.data.subarray(0, Math.min(per, n - b) * plane), b * plane);
  }
  return out;
}

/** The UNet's out_sample, refused when its shape is not its sample input's: a UNet that returns another
 * shape would otherwise give a garbage image without a word. */
function checkedOutput(s: ModelSessions, result: Record<string, Output>, expected: readonly number[]): Output {
  const { dims } = result.out_sample;
  if (dims.length !== expected.length || expected.some((d, k) => dims[k] !== d)) {
    const message = `unet/model.onnx returned out_sample of shape ${dims.join('×')}, not the ${expected.join('×')} of its sample input`;
    throw new EngineFailure('MODEL_INVALID', message, { file: s.folder.files.unet });
  }
  return result.out_sample;
}

function scaled(x: Tensor, k: number): Tensor {
  return { data: Float32Array.from(x.data, (v) => v * k), shape: x.shape };
}

