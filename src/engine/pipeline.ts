// The text-to-image loop of diffusers' ONNX Stable Diffusion pipeline (and the DDPM pipeline for
// pixel-space unconditional UNets): encode prompts, seeded noise × init σ, per step guided UNet +
// scheduler step, decode. The UNet is the only model call per step; everything else is array math.
// Runs from an image start elsewhere (initLatents.ts, invert.ts) and go through the same loop (denoise.ts).
import { createScheduler } from '../core/samplers/registry';
import type { Scheduler, SetTimestepsOptions } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import type { GenerateRequest, GenerateResult, ImageOut, RunImages, RunInfo } from '../protocol/engine';
import {
  DEFAULT_GROW_MASK_BY,
  DEFAULT_MASK_PADDING,
  DEFAULT_STRENGTH,
  runSchedulerKeys,
  specSteps,
  type RunSpec,
} from '../protocol/run';
import { EngineFailure, scheduleRefused } from './engineFailure';
import { scheduleAsked } from '../core/samplers/scheduleRefusal';
import { checkRequest, customSchedule, type ResolvedSpec, type RunShape } from './requestCheck';
import { onlyMasked, type OnlyMasked } from './onlyMasked';
import {
  imageRunInfo,
  initRgba,
  startFromImage,
  toolImage,
  pixelMask,
  toolInpaintMask,
  type ImageStart,
  type ToolMask,
} from './initLatents';
import { a1111Overlay } from '../core/kdiffusion/a1111Inpaint';
import type { RgbaImage } from '../core/image/rgba';
import { invertImage, psnr } from './invert';
import { loadTaesd, type ModelSessions } from './modelSessions';
import { runNoise, seededNoise } from './seededNoise';
import { decodeImages } from './decode';
import { encodePrompts } from './textEncoding';
import { encodePng } from './png';
import { concernsToolRun, planToolRun, prepareToolNoise, sampleWithTool, type ToolPlan } from './toolSampling';
import { prepareNoiseWorkerFor } from './noiseAhead';
import { familyInfo, resolveSpec } from './familySettings';
import { addedConditions } from './addedConditions';
import { refuseFamily } from './folderRecognition';
import { denoise, type Loop, type RunControl } from './denoise';
import { planRefiner, refine, type RefinerPlan } from './refinerStage';
import { cpuFloat16Note } from './cpuFloat16';

/** Whether a run of `spec` takes its tool sampler: inversion runs DDIM whatever the spec names. */
function runsToolSampler(spec: Pick<RunSpec, 'toolSampler' | 'invert'>): boolean {
  return !!spec.toolSampler && !spec.invert;
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
  const toolRun = runsToolSampler(req);
  const { scheduler, warnings } = buildScheduler(s, req, runSchedulerKeys(req));
  // The noise worker loads while the prompt is encoded, for a tool run's noise or a scheduler's step noise.
  const values = shape.batch * shape.channels * shape.latentHeight * shape.latentWidth;
  const stepNoise = !toolRun && scheduler.drawsStepNoise(req.eta);
  if (toolRun) prepareToolNoise(req, values);
  else if (stepNoise) prepareNoiseWorkerFor(values);
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
  const textRun = req.initImage === undefined ? runNoise(req, latentShape, stepNoise) : undefined;
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
  let start: RunStart | undefined;
  let tool: ReturnType<typeof planToolRun> | undefined;
  let mask: ToolMask | undefined;
  let area: OnlyMasked | undefined;
  let refinerTextMs = 0;
  try {
    if (req.invert) {
      const inverse = buildScheduler(s, req, { ...req.scheduler, _class_name: 'DDIMInverseScheduler' }).scheduler;
      ({ latents, start } = await invertImage(loop, request.images, inverse, scheduler, denoise));
    } else if (toolRun) {
      const inputs = toolInputs(req, request.images, shape, warnings);
      ({ mask, area } = inputs);
      const { ran } = inputs;
      const image =
        req.initImage === undefined ? undefined : await toolImage(s, ran, inputs.images, shape, noise, mask);
      const init = image && { latents: image.latents.data, mask: mask?.latent };
      tool = planToolRun(ran, scheduler, latentShape, seeds, init);
      const { guidanceScale, guidanceRescale } = req;
      const extra = image?.unetExtra;
      const denoiser = { s, text, added, guidanceScale, guidanceRescale, latentShape, extra, unet: control.unet };
      const { unetStepMs, unetRunMs } = loop;
      latents = await sampleWithTool({ plan: tool, denoiser, options, control, unetStepMs, unetRunMs });
      if (image) start = toolImageStart(request, image, tool, area !== undefined);
    } else if (req.initImage !== undefined) {
      const image = await startFromImage(s, req, request.images, shape, scheduler, noise);
      latents = await denoise(loop, { ...image, scheduler });
      start = image;
    } else {
      latents = { data: textRun!.initial, shape: latentShape };
      if (scheduler.initNoiseSigma !== 1) latents = scaled(latents, scheduler.initNoiseSigma);
      const timesteps = refinement?.base ?? scheduler.timesteps;
      const totalSteps = refinement && refinement.base.length + refinement.refiner.length;
      latents = await denoise(loop, { scheduler, timesteps, latents, totalSteps });
    }
    if (refinement) ({ latents, textEncoderMs: refinerTextMs } = await refine(loop, refinement, latents, denoise));
  } catch (err) {
    throw namingWarnings(err, warnings);
  }
  control.unetDone?.();

  const vaeStart = performance.now();
  // The last stage's pipeline decodes (with its own VAE where the refiner folder has one).
  const decoder = refinement?.sessions.vaeDecoder ? refinement.sessions : s;
  const { images: decodedImages, pixels } = await decodeImages(decoder, latents);
  const vaeMs = performance.now() - vaeStart;
  const decoded = overlaid(decodedImages, area, mask, () => initRgba(request.images, shape));
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

/** The decoded images as an A1111 inpaint hands them back: pasted into the init image ("only masked") or under
 * its overlay at the run's size; other runs' as they are. */
function overlaid(
  images: RgbaImage[],
  area: OnlyMasked | undefined,
  mask: ToolMask | undefined,
  init: () => Uint8Array,
): RgbaImage[] {
  if (area) return images.map((img) => ({ ...img, ...area.pasteBack(img) }));
  const overlay = mask?.overlay;
  if (!overlay) return images;
  const pixels = init();
  return images.map((img) => ({ ...img, rgba: a1111Overlay(img.rgba, pixels, overlay) }));
}

/** A tool run's image inputs: for inpaint area "only masked" the mask's region at the run's size
 * (onlyMasked.ts), else the request's; its mask as the tool takes it; and the spec the run goes by (`ran`),
 * without the mask where a blank one turned "only masked" into image-to-image, as in A1111. */
function toolInputs(
  req: ResolvedSpec,
  images: RunImages | undefined,
  shape: RunShape,
  warnings: string[],
): { images?: RunImages; mask?: ToolMask; area?: OnlyMasked; ran: ResolvedSpec } {
  if (req.mask === undefined) return { images, ran: req };
  const blur = req.maskBlur ?? 0;
  const onlyMaskedArea = req.inpaintArea === 'only masked';
  const area = onlyMaskedArea ? onlyMasked(images, blur, req.maskPadding ?? DEFAULT_MASK_PADDING, shape) : undefined;
  if (onlyMaskedArea && !area) return blankMaskImageToImage(req, images, warnings);
  const pixel = area?.pixel ?? pixelMask(images, blur, shape);
  const grow = req.inpaintNode === 'VAEEncodeForInpaint' ? (req.growMaskBy ?? DEFAULT_GROW_MASK_BY) : undefined;
  const mask = toolInpaintMask(pixel, shape, req.toolSampler!.tool, grow);
  return { images: area?.images ?? images, mask, area, ran: req };
}

/** A1111's "only masked" on a blank mask: image-to-image without the mask and its options, which the warnings
 * say (an inpainting UNet then gets A1111's mask of ones: initLatents.ts). */
function blankMaskImageToImage(
  req: ResolvedSpec,
  images: RunImages | undefined,
  warnings: string[],
): { images: RunImages; ran: ResolvedSpec } {
  warnings.push('the mask is blank, so inpaint area "only masked" ran as image-to-image, as A1111 runs it');
  return {
    images: { init: images!.init },
    ran: { ...req, mask: undefined, maskedContent: undefined, inpaintArea: undefined },
  };
}

/** What a run from an init image reports of its start. */
type RunStart = Pick<ImageStart, 'info' | 'encoderMs' | 'reference'>;

/** What a tool run from an init image reports of it. */
function toolImageStart(
  request: GenerateRequest,
  image: Awaited<ReturnType<typeof toolImage>>,
  plan: ToolPlan,
  onlyMaskedArea: boolean,
): RunStart {
  const { strength, mask } = plan.spec.init!;
  const ran = {
    latent: image.kind,
    mode: mask ? ('inpaint' as const) : ('img2img' as const),
    strength,
    ...(onlyMaskedArea && { resize: 'only-masked' as const }),
  };
  const info = imageRunInfo(request.images!, { ...ran, beginIndex: plan.beginIndex, stepsRun: plan.totalSteps });
  return { info, encoderMs: image.encoderMs };
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
  const built = buildScheduler(r, req, req.scheduler);
  setTimesteps(built.scheduler, req.steps, undefined);
  warnings.push(...built.warnings.map((w) => `refiner ${w}`));
  return planRefiner(r, s, req.refinerSwitchAt, { base: scheduler, refiner: built.scheduler });
}

function setTimesteps(scheduler: Scheduler, steps: number, custom: SetTimestepsOptions | undefined): void {
  try {
    scheduler.setTimesteps(steps, custom);
  } catch (err) {
    throw scheduleRefused(scheduler.className, scheduleAsked(steps, custom), err);
  }
}

/** The strength a run with an init image ran at (the default filled in). */
function imageSpec(req: RunSpec): Partial<RunSpec> {
  return req.initImage !== undefined && !req.invert ? { strength: req.strength ?? DEFAULT_STRENGTH } : {};
}

/** The model's scheduler config with `keys` on top (a `_class_name` there switches the class and keeps
 * the model's schedule, like diffusers' `from_config`); and the config's warnings (a misspelt key, a key
 * the class ignores) worded for the user: a run on a config that says one thing and runs another must
 * not pass silently. A tool run reads only some keys. */
function buildScheduler(
  s: ModelSessions,
  req: RunSpec,
  keys: Record<string, unknown> | undefined,
): { scheduler: Scheduler; warnings: string[] } {
  const { scheduler, findings } = createScheduler(s.folder.schedulerConfig, keys);
  const errors = findings.filter((f) => f.severity === 'error');
  if (!scheduler) {
    const where = req.scheduler ? 'the requested scheduler' : `${s.folder.dir}/scheduler/scheduler_config.json`;
    throw new EngineFailure(
      'BAD_REQUEST',
      `cannot build ${where}: ${errors.map((f) => f.message).join('; ') || 'unknown scheduler'}`,
    );
  }
  const warnings = findings
    .filter((f) => f.severity === 'warning' && (!req.toolSampler || concernsToolRun(f)))
    .map((f) => `scheduler config${f.path.length ? ` ${f.path.join('.')}` : ''}: ${f.message}`);
  return { scheduler, warnings };
}

/** NaN from a run whose config warned: the warnings name the likely cause (zero terminal SNR with an
 * ε-model, a misspelt key), so the error carries them where a failed run shows no result's warnings. */
function namingWarnings(err: unknown, warnings: string[]): unknown {
  if (!(err instanceof EngineFailure) || err.code !== 'NAN_OUTPUT' || warnings.length === 0) return err;
  const which = warnings.length === 1 ? 'warning' : 'warnings';
  return new EngineFailure('NAN_OUTPUT', `${err.message}. This run's ${which}: ${warnings.join('; ')}`, err.details);
}

function scaled(x: Tensor, k: number): Tensor {
  return { data: Float32Array.from(x.data, (v) => v * k), shape: x.shape };
}
