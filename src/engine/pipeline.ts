// The text-to-image loop of diffusers' ONNX Stable Diffusion pipeline (and the DDPM pipeline for
// pixel-space unconditional UNets): encode prompts, seeded noise × init σ, per step guided UNet +
// scheduler step, decode. The UNet is the only model call per step; everything else is array math.
// Runs from an image start elsewhere (initLatents.ts, invert.ts) and go through the same loop.
import { createScheduler } from '../core/samplers/registry';
import type { Scheduler, SetTimestepsOptions } from '../core/samplers/scheduler';
import type { NoiseSource } from '../core/rng/noiseSource';
import type { Tensor } from '../core/tensor/tensor';
import type { GenerateRequest, GenerateResult, ImageOut, RunInfo, StepEvent } from '../protocol/engine';
import { DEFAULT_STRENGTH, specSteps, type RunSpec } from '../protocol/run';
import { EngineFailure } from './engineFailure';
import { checkRequest, customSchedule, type ResolvedSpec, type RunShape } from './requestCheck';
import { startFromImage, type ImageStart } from './initLatents';
import { invertImage, psnr } from './invert';
import { loadTaesd, type ModelSessions } from './modelSessions';
import { runNoise, seededNoise } from './seededNoise';
import { decodeImages, previewImage } from './decode';
import { encodePrompts } from './textEncoding';
import { encodePng } from './png';
import { allFinite } from './finite';
import { guide, unguided } from './guidance';
import { guidedAffineStep } from './guidedAffineStep';
import { runUnet } from './runUnet';
import { StepBuffers } from './stepBuffers';
import { planToolRun, readsKey, sampleWithTool } from './toolSampling';
import { familyInfo, resolveSpec } from './familySettings';
import { addedConditions, type AddedConditions } from './addedConditions';
import { refuseFamily } from './folderRecognition';
import { planRefiner, refine, type RefinerPlan } from './refinerStage';
import { cpuFloat16Note } from './cpuFloat16';

export interface RunControl {
  onStep(event: StepEvent): void;
  /** Checked between steps; true stops the run with CANCELLED. */
  cancelled(): boolean;
}

/** Runs one request on loaded sessions; `loadMs` is what loading them took (0 when cached), so the
 * run's total counts it. `refiner`: the sessions of spec.refiner, for a run that names one. */
export async function runPipeline(
  s: ModelSessions,
  request: GenerateRequest,
  control: RunControl,
  loadMs: number,
  refiner?: ModelSessions,
): Promise<GenerateResult> {
  const started = performance.now();
  const { options } = request;
  refuseFamily(s.folder.dir, s.family);
  const { spec: req, defaulted } = resolveSpec(request.spec, s);
  if (options.preview?.kind === 'taesd') await loadTaesd(s);
  const shape = checkRequest(req, options, s);
  // Inversion regenerates with DDIM, whatever the model's scheduler: DDIM's update is the one inverted.
  const { scheduler, warnings } = buildScheduler(s, req, req.invert ? { _class_name: 'DDIMScheduler' } : {});
  // A tool sampler takes its σ list itself (toolSampling.ts); the scheduler gives it the training schedule.
  const custom = req.toolSampler ? undefined : customSchedule(req, scheduler.alphasCumprod);
  if (req.initImage === undefined) setTimesteps(scheduler, req.steps, custom);
  const refinement = refinerPlan(s, req, scheduler, refiner, warnings);
  const float16 = cpuFloat16Note([s, refiner]);
  if (float16) warnings.push(float16);

  const textStart = performance.now();
  const text = s.folder.kind === 'text2img' ? await encodePrompts(s, req, shape) : undefined;
  const textEncoderMs = performance.now() - textStart;
  const rows = (text?.uncond ? 2 : 1) * shape.batch;
  const added = addedConditions(s, { ...req, width: shape.width, height: shape.height }, text, rows);

  const latentShape = [shape.batch, shape.channels, shape.latentHeight, shape.latentWidth];
  // Image runs draw from the seeds' generators in diffusers' order (encoder sample, then noise);
  // text-to-image draws x_T first (with A1111's variation seed where asked).
  const textRun = req.initImage === undefined ? runNoise(req, latentShape) : undefined;
  const seeds = textRun?.seeds ?? Array.from({ length: shape.batch }, (_, i) => (req.seed + i) % 2 ** 32);
  const noise = textRun?.noise ?? seededNoise(seeds);
  const loop: Loop = {
    s,
    req,
    shape,
    text,
    added,
    noise,
    latentShape,
    options,
    control,
    unetStepMs: [],
    unetRunMs: [],
  };
  let latents: Tensor;
  let start: ImageStart | undefined;
  let tool: ReturnType<typeof planToolRun> | undefined;
  if (req.invert) {
    const inverse = buildScheduler(s, req, { _class_name: 'DDIMInverseScheduler' }).scheduler;
    ({ latents, start } = await invertImage(loop, request.images, inverse, scheduler, denoise));
  } else if (req.initImage !== undefined) {
    start = await startFromImage(s, req, request.images, shape, scheduler, noise);
    latents = await denoise(loop, { ...start, scheduler });
  } else if (req.toolSampler) {
    tool = planToolRun(req, scheduler, latentShape, seeds);
    const { guidanceScale, guidanceRescale } = req;
    const denoiser = { s, text, added, guidanceScale, guidanceRescale, latentShape };
    const { unetStepMs, unetRunMs } = loop;
    latents = await sampleWithTool({ plan: tool, denoiser, options, control, unetStepMs, unetRunMs });
  } else {
    latents = { data: textRun!.initial, shape: latentShape };
    if (scheduler.initNoiseSigma !== 1) latents = scaled(latents, scheduler.initNoiseSigma);
    const timesteps = refinement?.base ?? scheduler.timesteps;
    const totalSteps = refinement && refinement.base.length + refinement.refiner.length;
    latents = await denoise(loop, { scheduler, timesteps, latents, totalSteps });
  }
  let refinerTextMs = 0;
  if (refinement) ({ latents, textEncoderMs: refinerTextMs } = await refine(loop, refinement, latents, denoise));

  const vaeStart = performance.now();
  // The last stage's pipeline decodes (with its own VAE where the refiner folder has one).
  const decoder = refinement?.sessions.vaeDecoder ? refinement.sessions : s;
  const { images: decoded, pixels } = await decodeImages(decoder, latents);
  const vaeMs = performance.now() - vaeStart;
  if (start?.reference) start.info.psnr = psnr(start.reference, decoded[0]);

  const images: ImageOut[] = decoded.map((img) => ({ ...img, png: encodePng(img.rgba, img.width, img.height) }));
  const tensors = options.returnTensors
    ? { latents: Float32Array.from(latents.data), latentShape, image: pixels.data, imageShape: pixels.dims }
    : undefined;
  const info: RunInfo = {
    spec: {
      ...req,
      width: shape.width,
      height: shape.height,
      steps: custom ? scheduler.timesteps.length : (specSteps(req) ?? req.steps),
      ...imageSpec(req),
      ...(refinement && { refinerSwitchAt: refinement.info.switchAt }),
    },
    seeds,
    scheduler: { _class_name: scheduler.className, ...scheduler.config },
    toolSampler: tool?.info,
    model: { dir: s.folder.dir, name: s.folder.name, hash: s.hash, kind: s.folder.kind },
    provider: s.provider,
    providerFallbacks: s.providerFallbacks,
    family: { ...familyInfo(s.family), defaulted },
    timings: {
      loadMs,
      textEncoderMs: textEncoderMs + refinerTextMs,
      unetStepMs: loop.unetStepMs,
      unetRunMs: loop.unetRunMs,
      vaeMs,
      ...(start && { vaeEncoderMs: start.encoderMs }),
      totalMs: loadMs + performance.now() - started,
    },
    warnings: text?.truncation ? [...warnings, text.truncation] : warnings,
    unknownWords: text?.unknownWords ?? [],
    truncatedTokens: text?.truncatedTokens ?? 0,
    promptTokens: text?.tokenCount ?? 0,
    promptChunks: text?.chunks ?? 0,
    ...(start && { image: start.info }),
    ...(refinement && { refiner: refinement.info }),
  };
  return { images, info, tensors };
}

/** The split between the base and spec.refiner, with the refiner's scheduler (its folder's config, the
 * spec's keys on top) set for the same steps; undefined without a refiner. */
function refinerPlan(
  s: ModelSessions,
  req: ResolvedSpec,
  scheduler: Scheduler,
  r: ModelSessions | undefined,
  warnings: string[],
): RefinerPlan | undefined {
  if (req.refiner === undefined) return undefined;
  if (!r) throw new EngineFailure('BAD_REQUEST', `the refiner ${req.refiner} was not loaded for this run`);
  const built = buildScheduler(r, req);
  setTimesteps(built.scheduler, req.steps, undefined);
  warnings.push(...built.warnings.map((w) => `refiner ${w}`));
  return planRefiner(r, s, req.refinerSwitchAt, { base: scheduler, refiner: built.scheduler });
}

/** What every denoising phase of a run shares. */
export interface Loop {
  s: ModelSessions;
  req: ResolvedSpec;
  shape: RunShape;
  text: Awaited<ReturnType<typeof encodePrompts>> | undefined;
  /** The family's extra UNet inputs, one row per row of a UNet call (addedConditions.ts). */
  added: AddedConditions;
  noise: NoiseSource;
  latentShape: number[];
  options: GenerateRequest['options'];
  control: RunControl;
  unetStepMs: number[];
  unetRunMs: number[];
}

/** One pass of the sampler over `timesteps` from `latents` (two for inversion: there and back). */
export interface Phase {
  scheduler: Scheduler;
  timesteps: ArrayLike<number>;
  latents: Tensor;
  /** 4-channel inpainting: work after each step (src/engine/inpaintBlend.ts). */
  afterStep?: (latents: Tensor, i: number) => void;
  /** 9-channel inpainting: channels appended to the UNet's input. */
  unetExtra?: Tensor;
  /** Step events count from here out of `totalSteps` (inversion reports both phases as one run). */
  firstStep?: number;
  totalSteps?: number;
}

/** The denoising loop: per step the guided UNet, the scheduler step and the step event. */
export async function denoise(loop: Loop, phase: Phase): Promise<Tensor> {
  const { s, req, shape, text, added, noise, latentShape, options, control, unetStepMs, unetRunMs } = loop;
  const { scheduler, timesteps, afterStep, unetExtra } = phase;
  const first = phase.firstStep ?? 0;
  const total = phase.totalSteps ?? timesteps.length;
  let latents = phase.latents;
  const guided = text?.uncond !== undefined;
  const buffers = new StepBuffers(latentShape, guided ? 2 : 1);
  // Without a preview setting, latents (when captured) come every step.
  const preview = options.preview ?? { every: 1, kind: 'none' };
  for (let i = 0; i < timesteps.length; i++) {
    const stepStart = performance.now();
    const t = timesteps[i];
    const input = buffers.modelInput(scheduler, latents, t);
    const runStart = performance.now();
    const out = await runUnet(s, unetExtra ? withChannels(input, unetExtra) : input, t, text?.hidden, added);
    unetRunMs.push(performance.now() - runStart);
    const stepOptions = { eta: req.eta, out: buffers.out(i) };
    // Guidance and an affine step (deterministic DDIM) in one pass; other steps take the guided estimate.
    const affine = guided && req.guidanceRescale === 0 ? scheduler.affineStep?.(t, stepOptions) : undefined;
    const x = latents.data;
    const estimate =
      affine && x instanceof Float32Array
        ? guidedAffineStep(out, req.guidanceScale, x, affine, stepOptions.out)
        : guided
          ? guide(out, req.guidanceScale, req.guidanceRescale, shape.batch, buffers.eps)
          : unguided(out);
    if (!estimate.finite) {
      throw new EngineFailure(
        'NAN_OUTPUT',
        `the UNet returned NaN or Inf at step ${first + i + 1} of ${total} (timestep ${t})`,
        { step: first + i },
      );
    }
    const step = estimate.eps
      ? scheduler.step({ data: estimate.eps, shape: latentShape }, t, latents, noise, stepOptions)
      : stepOptions.out;
    latents = step.prevSample;
    afterStep?.(latents, i);
    if (!allFinite(latents.data)) {
      throw new EngineFailure(
        'NAN_OUTPUT',
        `the ${scheduler.className} step returned NaN or Inf at step ${first + i + 1} of ${total} (timestep ${t})`,
        { step: first + i },
      );
    }

    const atCadence = preview.every > 0 && ((i + 1) % preview.every === 0 || i === timesteps.length - 1);
    const event: StepEvent = {
      step: first + i,
      totalSteps: total,
      t,
      sigma: scheduler.sigmaAt(t),
      latentShape,
      noiseNorm: estimate.rms,
    };
    if (atCadence && options.captureLatents) {
      event.xt = Float32Array.from(latents.data);
      event.x0 = Float32Array.from(step.predOriginalSample.data);
    }
    if (atCadence && preview.kind !== 'none')
      event.preview = await previewImage(s, preview.kind, step.predOriginalSample);
    control.onStep(event);
    // Let the cancel message in before the next step.
    await new Promise((resolve) => setImmediate(resolve));
    unetStepMs.push(performance.now() - stepStart);
    if (control.cancelled()) throw new EngineFailure('CANCELLED', `cancelled after step ${first + i + 1} of ${total}`);
  }
  return latents;
}

function setTimesteps(scheduler: Scheduler, steps: number, custom: SetTimestepsOptions | undefined): void {
  try {
    scheduler.setTimesteps(steps, custom);
  } catch (err) {
    const what = custom ? `custom ${custom.timesteps ? 'timesteps' : 'sigmas'}` : `${steps} steps`;
    throw new EngineFailure('BAD_REQUEST', `${scheduler.className} cannot take ${what}: ${(err as Error).message}`);
  }
}

/** The strength a run with an init image ran at (the default filled in). */
function imageSpec(req: RunSpec): Partial<RunSpec> {
  return req.initImage !== undefined && !req.invert ? { strength: req.strength ?? DEFAULT_STRENGTH } : {};
}

/** The model's scheduler config with the request's keys on top (a `_class_name` there switches
 * the class and keeps the model's schedule, like diffusers' `from_config`), then `overrides`; and the
 * config's warnings (a misspelt key, a key the class ignores) worded for the user: a run on a config
 * that says one thing and runs another must not pass silently. A tool run reads only some keys. */
function buildScheduler(
  s: ModelSessions,
  req: RunSpec,
  overrides: Record<string, unknown> = {},
): { scheduler: Scheduler; warnings: string[] } {
  const { scheduler, findings } = createScheduler(s.folder.schedulerConfig, { ...req.scheduler, ...overrides });
  const errors = findings.filter((f) => f.severity === 'error');
  if (!scheduler) {
    const where = req.scheduler ? 'the requested scheduler' : `${s.folder.dir}/scheduler/scheduler_config.json`;
    throw new EngineFailure(
      'BAD_REQUEST',
      `cannot build ${where}: ${errors.map((f) => f.message).join('; ') || 'unknown scheduler'}`,
    );
  }
  const warnings = findings
    .filter((f) => f.severity === 'warning' && (!req.toolSampler || readsKey(String(f.path[0]))))
    .map((f) => `scheduler config${f.path.length ? ` ${f.path.join('.')}` : ''}: ${f.message}`);
  return { scheduler, warnings };
}

/** The UNet input with `extra`'s channels after each row's own (its rows repeat over guidance halves). */
function withChannels(input: Tensor, extra: Tensor): Tensor {
  const [n, c, h, w] = input.shape;
  const e = extra.shape[1];
  const plane = h * w;
  const data = new Float32Array(n * (c + e) * plane);
  for (let b = 0; b < n; b++) {
    data.set(input.data.subarray(b * c * plane, (b + 1) * c * plane), b * (c + e) * plane);
    const row = b % extra.shape[0];
    data.set(extra.data.subarray(row * e * plane, (row + 1) * e * plane), (b * (c + e) + c) * plane);
  }
  return { data, shape: [n, c + e, h, w] };
}

function scaled(x: Tensor, k: number): Tensor {
  return { data: Float32Array.from(x.data, (v) => v * k), shape: x.shape };
}
