// The one run specification: what a run makes, as every surface states it (the CLI's flags, the
// palette command, the workbench's validated form, a restored PNG) and as the engine takes it. How
// to run it (provider, previews) is a separate RunOptions in the engine protocol, and what actually
// ran (effective scheduler, timings, provider) comes back as RunInfo. The limits of a run live here
// once; the engine enforces them, and a UI that offers less derives its range from these.
import { NOISE_CONVENTIONS, type NoiseConvention } from '../core/noise/conventions';
import {
  isToolFinding,
  resolveToolSampler,
  type Tool,
  TOOL_LABELS,
  toolMinSteps,
} from '../core/kdiffusion/toolSamplers';
import { addNoiseRefusal } from '../core/config/schedulerClasses';
import { noiseProblem, startsFromImage, takesSigmaList } from '../core/kdiffusion/toolRun';
import { toolImageStepsProblem } from '../core/kdiffusion/toolImageSigmas';
import { A1111_MASKED_CONTENT, type A1111MaskedContent } from '../core/kdiffusion/a1111Inpaint';
import { COMFY_INPAINT_NODES, type ComfyInpaintNode } from '../core/kdiffusion/comfyInpaint';

import { PROMPT_MAX_CHARS, promptAttentionError } from '../core/prompt/promptAttention';
import { nestedDeeperThan } from '../core/config/jsonNesting';

/** Seed −1 asks for a random seed, drawn once when the run starts (as A1111 and ComfyUI do). */
export const RANDOM_SEED = -1;

export const RUN_LIMITS = {
  /** A1111's seed range (ComfyUI's is wider): seeds written here carry over to both tools. */
  seed: { min: 0, max: 4294967294 },
  steps: { min: 1, max: 1000 },
  /** diffusers puts no bound on guidance; beyond 50 images are saturated noise on every SD model. */
  guidanceScale: { min: 0, max: 50 },
  guidanceRescale: { min: 0, max: 1 },
  /** diffusers' step(eta=): DDIM's η and TCD's γ are both fractions of the full noise. */
  eta: { min: 0, max: 1 },
  /** A1111's variation strength: 0 is the seed's noise alone, 1 the variation seed's. */
  subseedStrength: { min: 0, max: 1 },
  batchSize: { min: 1, max: 64 },
  side: { max: 4096 },
  /** Pixels over the whole batch: the decoded float images alone take 12 bytes a pixel. */
  megapixels: 64,
  /** Prompt text, in characters (a CLIP window is 77 tokens; A1111 chunks long prompts). */
  promptLength: PROMPT_MAX_CHARS,
  /** Explicit timesteps or σ (σ lists carry the final σ as well). */
  explicitSchedule: 1001,
  /** Levels of objects and lists in a scheduler config: diffusers' need 2 (a list of betas); code that walks a
   * config recursively overflows the stack at a few thousand. */
  schedulerNesting: 8,
  /** SDXL micro-conditioning sizes and crop offsets, pixels (SDXL trained on images up to about 4K). */
  microConditioning: { max: 8192 },
  /** Image-to-image: 0 keeps the init image, 1 noises it fully (diffusers' and A1111's range). */
  strength: { min: 0, max: 1 },
  /** A1111's mask blur slider goes to 64 px. */
  maskBlur: { min: 0, max: 64 },
  /** A1111's "Only masked padding, pixels" slider goes to 256. */
  maskPadding: { min: 0, max: 256 },
  /** ComfyUI's VAEEncodeForInpaint takes grow_mask_by from 0 to 64. */
  growMaskBy: { min: 0, max: 64 },
  /** Bytes of an init image or mask file: a 4096² RGBA PNG is at most about 64 MiB. */
  imageFileBytes: 128 * 2 ** 20,
  /** SDXL refiner switch: a fraction of the training timesteps, both ends excluded (diffusers' denoising_end
   * and denoising_start take 0 < f < 1 only). */
  refinerSwitchAt: { min: 0, max: 1 },
} as const;

export type InpaintArea = 'whole picture' | 'only masked';
export const INPAINT_AREAS: readonly InpaintArea[] = ['whole picture', 'only masked'];
/** A1111's default "Only masked padding, pixels". */
export const DEFAULT_MASK_PADDING = 32;
/** ComfyUI's default grow_mask_by of VAEEncodeForInpaint. */
export const DEFAULT_GROW_MASK_BY = 6;

/** Where the SDXL base hands over to the refiner when a spec gives none: A1111's "Switch at" default and
 * diffusers' documented high_noise_frac. */
export const DEFAULT_REFINER_SWITCH = 0.8;

/** A1111's default denoising strength, for runs with an init image that give none. */
export const DEFAULT_STRENGTH = 0.75;

/** Pixels. */
export interface PixelSize {
  width: number;
  height: number;
}

export interface RunSpec {
  /** Absolute path of a diffusers/Optimum ONNX model folder. */
  modelDir: string;
  prompt: string;
  negativePrompt: string;
  /** Seed of the first image; image i of a batch uses seed + i, so it can be re-made alone.
   * RANDOM_SEED: a random one, drawn when the run starts (records keep the drawn seed). */
  seed: number;
  /** A1111's variation seed: with a variation strength, every image keeps `seed` and blends in the
   * noise of subseed + i (A1111's slerp). RANDOM_SEED: drawn when the run starts, as `seed` is. */
  subseed?: number;
  /** A1111's variation strength (RUN_LIMITS.subseedStrength); absent or 0: no variation. */
  subseedStrength?: number;
  /** A1111's "Eta noise seed delta" (ENSD): after the initial noise, each image's generator restarts from
   * its seed + delta for the noise the sampler adds at each step (rng.py ImageRNG.first). Absent or 0: it
   * continues from the initial noise. Not with a tool sampler on another noise convention. */
  etaNoiseSeedDelta?: number;
  /** Absent: the model family's recommendation (src/core/model/familyDefaults.ts). */
  steps?: number;
  /** Classifier-free guidance scale; guidance runs when > 1 (diffusers). Absent: the model's
   * recommendation (`_diffusion_lab.guidance_scale` in model_index.json), else its family's. LCM
   * models take it as an input (embedding of g − 1) instead of running guidance. */
  guidanceScale?: number;
  /** φ of Lin et al. 2023; 0 leaves guidance unchanged. */
  guidanceRescale: number;
  /** diffusers' `step(eta=)` for the classes whose step takes it: DDIM's η (0 deterministic, 1 DDPM-like
   * noise) and TCD's γ (0 deterministic, 1 fully stochastic). Absent: the step's default (DDIM 0, TCD 0.3).
   * Not with a tool sampler. */
  eta?: number;
  /** Pixels; multiples of the model's latent factor. Absent: the model's native size, else its family's. */
  width?: number;
  height?: number;
  batchSize: number;
  /** scheduler_config.json keys over the model's own. With `_class_name` it switches the class and
   * keeps the model's schedule keys it does not set (diffusers' `from_config`). */
  scheduler?: Record<string, unknown>;
  /** Explicit descending training timesteps (diffusers' `set_timesteps(timesteps=)`): one step each. */
  timesteps?: number[];
  /** Explicit descending σ, the final one included: sigmas.length − 1 steps. Not with `timesteps`. */
  sigmas?: number[];
  /** SDXL micro-conditioning (Podell et al. 2023, §2.2; diffusers' original_size, crops_coords_top_left,
   * target_size): the size the training image had, the top-left corner it was cropped at (x from the
   * left, y from the top) and the size aimed at. Absent: width × height, (0, 0), width × height.
   * Only SDXL UNets (a `time_ids` input) take them. */
  originalSize?: PixelSize;
  cropTopLeft?: { x: number; y: number };
  targetSize?: PixelSize;
  /** Image-to-image: path of the starting image (PNG or JPEG), read by the host that starts the run
   * (the engine receives its pixels, GenerateRequest.images). Stretched to the run's size. */
  initImage?: string;
  /** How far the init image is noised before denoising: 0 keeps it (the VAE round trip), 1 starts
   * from noise. Only with initImage; absent: DEFAULT_STRENGTH. */
  strength?: number;
  /** Inpainting: path of a mask the init image's size; white repaints, black keeps. */
  mask?: string;
  /** A1111's mask blur: σ in pixels of a Gaussian over the mask before it is used. Only with mask. */
  maskBlur?: number;
  /** A1111's "Masked content": what the masked part starts from, the init image's latents (original, the
   * default), the seed's noise or zeros (src/core/kdiffusion/a1111Inpaint.ts). Only with a mask and an
   * A1111 sampler. */
  maskedContent?: A1111MaskedContent;
  /** A1111's "Inpaint area": the whole picture (the default), or only the region around the mask, run at the
   * run's size and pasted back into the init image, which keeps its size (src/core/image/a1111Crop.ts). Only
   * with a mask and an A1111 sampler. */
  inpaintArea?: InpaintArea;
  /** A1111's "Only masked padding, pixels" around the mask's bounds; absent: DEFAULT_MASK_PADDING. Only with
   * inpaint area "only masked". */
  maskPadding?: number;
  /** The ComfyUI node that prepares the inpainting (src/core/kdiffusion/comfyInpaint.ts): SetLatentNoiseMask
   * (the default) or InpaintModelConditioning, which differ for a 9-channel inpainting UNet, or
   * VAEEncodeForInpaint, which encodes the image grey under the mask and repaints the mask grown by
   * growMaskBy. Only with a mask and a ComfyUI sampler. */
  inpaintNode?: ComfyInpaintNode;
  /** VAEEncodeForInpaint's grow_mask_by, whole pixels; absent: DEFAULT_GROW_MASK_BY. Only with that node. */
  growMaskBy?: number;
  /** DDIM inversion: the init image is inverted to noise and regenerated from it (RunInfo.image
   * reports the reconstruction's PSNR). Only with initImage and no mask. */
  invert?: boolean;
  /** Run a tool's own sampler instead of the diffusers scheduler: A1111's "Sampler" + "Schedule type" (default
   * Automatic; legacy "DPM++ 2M Karras" works), or ComfyUI's KSampler sampler_name + scheduler (default normal);
   * see src/core/kdiffusion/toolSamplers.ts. `scheduler` then only gives the training schedule and prediction
   * type; explicit `sigmas` replace the tool's schedule, `timesteps` are refused. */
  toolSampler?: ToolSamplerSpec;
  /** Whose way of drawing the initial and sampler noise from the seed. Default: the tool's own with a
   * `toolSampler`, else diffusers. */
  noise?: NoiseConvention;
  /** SDXL refiner: absolute path of a second model folder (an SDXL refiner, or any SDXL model) that denoises
   * the low-noise end of the schedule from the base's latents (diffusers' denoising_end / denoising_start). */
  refiner?: string;
  /** Fraction of the training timesteps the base denoises before the refiner takes over
   * (RUN_LIMITS.refinerSwitchAt, ends excluded). Only with `refiner`; absent: DEFAULT_REFINER_SWITCH. */
  refinerSwitchAt?: number;
}

export interface ToolSamplerSpec {
  tool: Tool;
  sampler: string;
  schedule?: string;
}

/** The noise convention a spec runs with (its own, else the tool's, else diffusers'). */
export function specNoise(spec: Pick<RunSpec, 'noise' | 'toolSampler'>): NoiseConvention {
  return spec.noise ?? spec.toolSampler?.tool ?? 'diffusers';
}

/** The fields a surface must give; the rest take these defaults (see `runSpec`). */
export type RunSpecInput = Pick<RunSpec, 'modelDir' | 'prompt'> & Partial<RunSpec>;

/** A full specification from the fields a surface gives. */
export function runSpec(input: RunSpecInput): RunSpec {
  return { negativePrompt: '', seed: RANDOM_SEED, guidanceRescale: 0, batchSize: 1, ...input };
}

/** The scheduler keys a run sets over its model's scheduler config: its own, and DDIM for an inversion
 * (DDIM's update is the one inverted, whatever the model's scheduler). */
export function runSchedulerKeys(spec: Pick<RunSpec, 'scheduler' | 'invert'>): Record<string, unknown> {
  return { ...spec.scheduler, ...(spec.invert && { _class_name: 'DDIMScheduler' }) };
}

/** The steps a spec runs: one per explicit timestep or σ gap, else `steps` (undefined: the model's). */
export function specSteps(spec: Pick<RunSpec, 'steps' | 'timesteps' | 'sigmas'>): number | undefined {
  return spec.timesteps ? spec.timesteps.length : spec.sigmas ? spec.sigmas.length - 1 : spec.steps;
}

/** The class a diffusers config names (`_class_name`), or undefined when it names none. */
export function classNameOf(config: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const name = config?._class_name;
  return typeof name === 'string' ? name : undefined;
}

/** Whether a spec blends in a variation seed's noise. */
export function isVaried(spec: Pick<RunSpec, 'subseedStrength'>): boolean {
  return (spec.subseedStrength ?? 0) !== 0;
}

/** The diffusers classes whose step takes η (TCD's γ): the others ignore it, so asking for one is a mistake. */
const ETA_CLASSES = ['DDIMScheduler', 'TCDScheduler'];

/** The seed a run uses: a RANDOM_SEED drawn with `random` (a float in [0, 1)), else the spec's. A drawn
 * seed leaves room for the batch's seed + i (batchSeedProblems). */
export function resolveSeed(seed: number, random: () => number, batchSize = 1): number {
  if (seed !== RANDOM_SEED) return seed;
  return Math.floor(random() * (RUN_LIMITS.seed.max + 2 - batchSize));
}

/** Image i of a batch takes seed + i (with a variation, subseed + i): the last must be a seed too, or that
 * image could not be re-made alone. */
function batchSeedProblems(spec: RunSpec): SpecProblem[] {
  const { batchSize: n } = spec;
  const field = isVaried(spec) ? 'subseed' : 'seed';
  const first = spec[field];
  const { max } = RUN_LIMITS.seed;
  if (!Number.isInteger(n) || typeof first !== 'number' || first === RANDOM_SEED || first + n - 1 <= max) return [];
  const message = `batch of ${n} from ${field} ${first} runs past the largest seed ${max}: image i takes ${field} + i`;
  return [{ field: 'batchSize', message }];
}

/** A problem with one field of a spec: the field's name and what to change. */
export interface SpecProblem {
  field: keyof RunSpec;
  message: string;
}

/** Checks a spec's fields against the run limits (not against a model: the engine does that).
 * Returns every problem; an empty list means the engine will not refuse the spec for its shape. */
export function checkRunSpec(spec: RunSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const L = RUN_LIMITS;
  const whole = (field: keyof RunSpec, label: string, v: unknown, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push({ field, message: `${label} must be a whole number from ${min} to ${max}, not ${show(v)}` });
    }
  };
  const real = (field: keyof RunSpec, label: string, v: unknown, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      problems.push({ field, message: `${label} must be a number from ${min} to ${max}, not ${show(v)}` });
    }
  };
  if (typeof spec.modelDir !== 'string' || spec.modelDir === '')
    problems.push({ field: 'modelDir', message: 'no model folder given' });
  for (const [field, label] of [
    ['prompt', 'prompt'],
    ['negativePrompt', 'negative prompt'],
  ] as const) {
    const v = spec[field];
    if (typeof v !== 'string') problems.push({ field, message: `${label} must be text` });
    else if (v.length > L.promptLength)
      problems.push({ field, message: `${label} is ${v.length} characters, more than ${L.promptLength}` });
    else {
      const syntax = promptAttentionError(v);
      if (syntax) problems.push({ field, message: `${label}: ${syntax}` });
    }
  }
  if (spec.seed !== RANDOM_SEED) whole('seed', 'seed', spec.seed, L.seed.min, L.seed.max);
  problems.push(...batchSeedProblems(spec));
  if (spec.subseed !== undefined && spec.subseed !== RANDOM_SEED)
    whole('subseed', 'variation seed', spec.subseed, L.seed.min, L.seed.max);
  if (spec.subseedStrength !== undefined) {
    const { min, max } = L.subseedStrength;
    real('subseedStrength', 'variation strength', spec.subseedStrength, min, max);
    if (spec.subseedStrength !== 0 && spec.subseed === undefined)
      problems.push({ field: 'subseed', message: 'a variation strength needs a variation seed' });
  }
  if (spec.etaNoiseSeedDelta !== undefined)
    whole('etaNoiseSeedDelta', 'eta noise seed delta', spec.etaNoiseSeedDelta, L.seed.min, L.seed.max);
  if (!spec.timesteps && !spec.sigmas && spec.steps !== undefined) {
    whole('steps', 'steps', spec.steps, L.steps.min, L.steps.max);
  }
  if (spec.guidanceScale !== undefined)
    real('guidanceScale', 'guidance scale', spec.guidanceScale, L.guidanceScale.min, L.guidanceScale.max);
  real('guidanceRescale', 'guidance rescale', spec.guidanceRescale, L.guidanceRescale.min, L.guidanceRescale.max);
  if (spec.eta !== undefined) real('eta', 'eta', spec.eta, L.eta.min, L.eta.max);
  if (spec.eta !== undefined && spec.toolSampler !== undefined)
    problems.push({ field: 'eta', message: "eta is diffusers' DDIM and TCD step option; tool samplers take none" });
  const named = spec.scheduler?._class_name;
  if (named !== undefined && typeof named !== 'string')
    problems.push({ field: 'scheduler', message: `_class_name must be a scheduler class's name, not ${show(named)}` });
  if (spec.eta !== undefined && typeof named === 'string' && !ETA_CLASSES.includes(named))
    problems.push({
      field: 'eta',
      message: `eta is the step option of ${ETA_CLASSES.join(' and ')}; ${named} takes none`,
    });
  whole('batchSize', 'batch size', spec.batchSize, L.batchSize.min, L.batchSize.max);
  if (spec.width !== undefined) whole('width', 'width', spec.width, 1, L.side.max);
  if (spec.height !== undefined) whole('height', 'height', spec.height, 1, L.side.max);
  const s = spec.scheduler;
  if (s !== undefined && (typeof s !== 'object' || s === null || Array.isArray(s))) {
    problems.push({ field: 'scheduler', message: 'scheduler must be a scheduler_config object' });
  } else if (nestedDeeperThan(s, L.schedulerNesting)) {
    const message = `scheduler config is nested more than ${L.schedulerNesting} levels deep (a config needs 2)`;
    // Returned alone: the checks below read the config, some recursively.
    return [{ field: 'scheduler', message }];
  }
  problems.push(...microConditioningProblems(spec));
  if (spec.timesteps && spec.sigmas)
    problems.push({ field: 'sigmas', message: 'give explicit timesteps or sigmas, not both' });
  for (const field of ['timesteps', 'sigmas'] as const) {
    const list = spec[field];
    if (list === undefined) continue;
    // Each entry's value and order are checked against the model's schedule in the engine, by index.
    const ok = Array.isArray(list) && list.length >= 1 && list.length <= L.explicitSchedule;
    if (!ok) problems.push({ field, message: `${field} must be a list of 1 to ${L.explicitSchedule} numbers` });
  }
  problems.push(...checkImageFields(spec));
  problems.push(...toolProblems(spec));
  problems.push(...refinerProblems(spec));
  return problems;
}

/** The refiner's folder and switch point; the refiner continues a text-to-image run on the diffusers path. */
function refinerProblems(spec: RunSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const { refiner, refinerSwitchAt: at } = spec;
  if (refiner !== undefined && (typeof refiner !== 'string' || refiner === '')) {
    problems.push({ field: 'refiner', message: 'refiner must be a model folder path' });
  }
  const { min, max } = RUN_LIMITS.refinerSwitchAt;
  if (at !== undefined && (typeof at !== 'number' || !Number.isFinite(at) || at <= min || at >= max)) {
    const message = `refiner switch must be a number between ${min} and ${max} (both excluded), not ${show(at)}`;
    problems.push({ field: 'refinerSwitchAt', message });
  }
  if (at !== undefined && refiner === undefined) {
    problems.push({ field: 'refinerSwitchAt', message: 'a refiner switch needs a refiner' });
  }
  if (refiner === undefined) return problems;
  const without: [keyof RunSpec, string][] = [
    ['initImage', 'an init image'],
    ['toolSampler', 'a tool sampler'],
    ['timesteps', 'explicit timesteps'],
    ['sigmas', 'explicit sigmas'],
  ];
  for (const [field, what] of without) {
    if (spec[field] !== undefined) problems.push({ field, message: `a refiner does not combine with ${what} yet` });
  }
  return problems;
}

/** The image-to-image fields: each needs the init image, and inversion takes no mask. */
function checkImageFields(spec: RunSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const path = (field: 'initImage' | 'mask', label: string) => {
    const v = spec[field];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      problems.push({ field, message: `${label} must be a file path` });
    }
  };
  path('initImage', 'init image');
  path('mask', 'mask');
  type Ranged = 'strength' | 'maskBlur' | 'maskPadding' | 'growMaskBy';
  const range = (field: Ranged, label: string, { min, max }: { min: number; max: number }) => {
    const v = spec[field];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)) {
      problems.push({ field, message: `${label} must be a number from ${min} to ${max}, not ${show(v)}` });
    }
  };
  range('strength', 'strength', RUN_LIMITS.strength);
  range('maskBlur', 'mask blur', RUN_LIMITS.maskBlur);
  range('maskPadding', 'mask padding', RUN_LIMITS.maskPadding);
  range('growMaskBy', 'grow mask by', RUN_LIMITS.growMaskBy);
  if (typeof spec.growMaskBy === 'number' && !Number.isInteger(spec.growMaskBy)) {
    problems.push({ field: 'growMaskBy', message: `grow mask by must be whole pixels, not ${spec.growMaskBy}` });
  }
  if (spec.invert !== undefined && typeof spec.invert !== 'boolean') {
    problems.push({ field: 'invert', message: 'invert must be true or false' });
  }
  if (spec.initImage === undefined) {
    for (const field of ['strength', 'mask', 'invert'] as const) {
      if (spec[field] !== undefined && spec[field] !== false) {
        problems.push({ field, message: `${field} needs an init image` });
      }
    }
  }
  if (spec.maskBlur !== undefined && spec.mask === undefined) {
    problems.push({ field: 'maskBlur', message: 'mask blur needs a mask' });
  }
  const masked = maskedContentProblem(spec);
  if (masked) problems.push({ field: 'maskedContent', message: masked });
  const area = inpaintAreaProblem(spec);
  if (area) problems.push({ field: 'inpaintArea', message: area });
  const node = inpaintNodeProblem(spec);
  if (node) problems.push({ field: 'inpaintNode', message: node });
  if (spec.maskPadding !== undefined && spec.inpaintArea !== 'only masked') {
    problems.push({ field: 'maskPadding', message: 'mask padding needs inpaint area "only masked"' });
  }
  if (spec.growMaskBy !== undefined && spec.inpaintNode !== 'VAEEncodeForInpaint') {
    problems.push({ field: 'growMaskBy', message: 'grow mask by needs inpaint node VAEEncodeForInpaint' });
  }
  if (spec.invert && spec.mask !== undefined) problems.push({ field: 'invert', message: 'inversion takes no mask' });
  if (spec.initImage !== undefined && isVaried(spec)) {
    problems.push({ field: 'subseed', message: 'a variation seed does not combine with an init image yet' });
  }
  if (spec.initImage !== undefined && spec.etaNoiseSeedDelta) {
    const message = 'an eta noise seed delta (ENSD) does not combine with an init image yet';
    problems.push({ field: 'etaNoiseSeedDelta', message });
  }
  const noAddNoise = spec.initImage === undefined ? undefined : addNoiseRefusal(classNameOf(spec.scheduler) ?? '');
  const strength = spec.strength ?? DEFAULT_STRENGTH;
  // Where the run noises the image for sure (strength below 1); at 1 that depends on the UNet (the engine
  // checks it there).
  if (noAddNoise && !spec.invert && strength > 0 && strength < 1)
    problems.push({ field: 'scheduler', message: noAddNoise });
  if (spec.initImage !== undefined && (spec.timesteps || spec.sigmas)) {
    const message = 'explicit timesteps or sigmas do not combine with an init image (strength cuts the schedule)';
    problems.push({ field: spec.timesteps ? 'timesteps' : 'sigmas', message });
  }
  return problems;
}

/** The tool sampler's names against the registry, its fields against the diffusers-only ones, and the
 * noise convention's name. */
function toolProblems(spec: RunSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (spec.noise !== undefined && !NOISE_CONVENTIONS.includes(spec.noise)) {
    const message = `noise must be one of ${NOISE_CONVENTIONS.join(', ')}, not ${show(spec.noise)}`;
    problems.push({ field: 'noise', message });
  }
  const t = spec.toolSampler;
  if (t === undefined) return problems;
  const tools: readonly unknown[] = ['a1111', 'comfyui'];
  const text = (v: unknown) => typeof v === 'string' && v !== '';
  if (
    typeof t !== 'object' ||
    t === null ||
    !tools.includes(t.tool) ||
    !text(t.sampler) ||
    (t.schedule !== undefined && !text(t.schedule))
  ) {
    const message = 'toolSampler must be { tool: "a1111" | "comfyui", sampler, schedule? }';
    problems.push({ field: 'toolSampler', message });
    return problems;
  }
  const resolved = resolveToolSampler(t.tool, t.sampler, t.schedule);
  if (isToolFinding(resolved)) problems.push({ field: 'toolSampler', message: resolved.message });
  else {
    const noise = noiseProblem(resolved, specNoise(spec));
    if (noise) problems.push({ field: 'noise', message: noise });
    if (spec.sigmas && !takesSigmaList(resolved)) {
      const message = `${TOOL_LABELS[t.tool]}'s ${t.sampler} takes no σ list: give steps instead`;
      problems.push({ field: 'sigmas', message });
    }
    const few = spec.sigmas || spec.steps === undefined ? undefined : toolStepsProblem(t, spec.steps, resolved);
    if (few) problems.push({ field: 'steps', message: few });
  }
  if (spec.timesteps) problems.push({ field: 'timesteps', message: 'a tool sampler takes sigmas, not timesteps' });
  const image = toolImageProblem(spec);
  if (image) problems.push({ field: 'toolSampler', message: image });
  const variation = toolVariationProblem(spec);
  if (variation) problems.push({ field: 'subseed', message: variation });
  const ensd = toolEnsdProblem(spec);
  if (ensd) problems.push({ field: 'etaNoiseSeedDelta', message: ensd });
  return problems;
}

/** Why a tool sampler cannot run the spec's image-to-image, or undefined: it starts from an init image as
 * its tool cuts its σ list (A1111's DDIM, PLMS and UniPC: their timesteps) by the strength, which DPM
 * fast/adaptive do not (A1111 gives them the model's range), and A1111's UniPC not below its order's worth
 * of steps (checked where the steps are given); inversion is the diffusers path's. */
export function toolImageProblem(
  spec: Pick<RunSpec, 'initImage' | 'invert' | 'mask' | 'toolSampler' | 'strength' | 'steps'>,
): string | undefined {
  const t = spec.toolSampler;
  if (spec.initImage === undefined || !t) return undefined;
  if (spec.invert) return 'inversion runs DDIM: it takes no tool sampler';
  const resolved = resolveToolSampler(t.tool, t.sampler, t.schedule);
  if (isToolFinding(resolved)) return undefined;
  if (!startsFromImage(resolved)) return `${TOOL_LABELS[t.tool]}'s ${t.sampler} does not start from an init image yet`;
  const few =
    spec.steps === undefined
      ? undefined
      : toolImageStepsProblem(resolved, spec.steps, spec.strength ?? DEFAULT_STRENGTH);
  return few && `${TOOL_LABELS[t.tool]}'s ${t.sampler}: ${few}`;
}

/** Why the spec's inpaint area cannot run, or undefined: "only masked" needs a mask and an A1111 sampler. */
function inpaintAreaProblem(spec: Pick<RunSpec, 'inpaintArea' | 'mask' | 'toolSampler'>): string | undefined {
  const area = spec.inpaintArea;
  if (area === undefined || area === 'whole picture') return undefined;
  if (!INPAINT_AREAS.includes(area)) {
    return `inpaint area must be one of ${INPAINT_AREAS.map((a) => `"${a}"`).join(', ')}, not ${show(area)}`;
  }
  if (spec.mask === undefined) return 'inpaint area "only masked" needs a mask';
  if (spec.toolSampler?.tool !== 'a1111') return 'inpaint area "only masked" is A1111\'s: pick an A1111 sampler';
  return undefined;
}

/** Why the spec's inpaint node cannot run, or undefined: one of ComfyUI's, any but SetLatentNoiseMask with a
 * mask and a ComfyUI sampler. */
function inpaintNodeProblem(spec: Pick<RunSpec, 'inpaintNode' | 'mask' | 'toolSampler'>): string | undefined {
  const node = spec.inpaintNode;
  if (node === undefined || node === 'SetLatentNoiseMask') return undefined;
  if (!COMFY_INPAINT_NODES.includes(node)) {
    return `inpaint node must be one of ${COMFY_INPAINT_NODES.map((n) => `"${n}"`).join(', ')}, not ${show(node)}`;
  }
  if (spec.mask === undefined) return `inpaint node ${node} needs a mask`;
  if (spec.toolSampler?.tool !== 'comfyui') return `inpaint node ${node} is ComfyUI's: pick a ComfyUI sampler`;
  return undefined;
}

/** Why the spec's masked content cannot run, or undefined: one of A1111's that this code runs, with a mask
 * and an A1111 sampler. */
function maskedContentProblem(spec: Pick<RunSpec, 'maskedContent' | 'mask' | 'toolSampler'>): string | undefined {
  const content = spec.maskedContent;
  if (content === undefined) return undefined;
  if (!A1111_MASKED_CONTENT.includes(content)) {
    return `masked content must be one of ${A1111_MASKED_CONTENT.map((c) => `"${c}"`).join(', ')}, not ${show(content)}`;
  }
  if (content === 'original') return undefined;
  if (spec.mask === undefined) return 'masked content needs a mask';
  if (spec.toolSampler?.tool !== 'a1111') return `masked content "${content}" is A1111's: pick an A1111 sampler`;
  return undefined;
}

/** Why a tool run cannot take the spec's variation seed, or undefined (a1111Only). */
export function toolVariationProblem(
  spec: Pick<RunSpec, 'subseedStrength' | 'noise' | 'toolSampler'>,
): string | undefined {
  return isVaried(spec) ? a1111Only('a variation seed', spec) : undefined;
}

/** Why a tool run cannot take the spec's eta noise seed delta, or undefined (a1111Only). */
export function toolEnsdProblem(
  spec: Pick<RunSpec, 'etaNoiseSeedDelta' | 'noise' | 'toolSampler'>,
): string | undefined {
  return spec.etaNoiseSeedDelta ? a1111Only('an eta noise seed delta (ENSD)', spec) : undefined;
}

/** A1111's seed settings belong to its way of drawing noise: a tool sampler takes them with the a1111 noise
 * convention (A1111's samplers, or another tool's with that noise given). */
function a1111Only(what: string, spec: Pick<RunSpec, 'noise' | 'toolSampler'>): string | undefined {
  const noise = specNoise(spec);
  if (noise === 'a1111') return undefined;
  return `${what} is A1111's: with a tool sampler it takes the a1111 noise convention, not ${noise}`;
}

/** Why the tool sampler cannot run `steps` steps (fewer than it needs), or undefined; names it as the tool does. */
export function toolStepsProblem(
  t: ToolSamplerSpec,
  steps: number,
  resolved = resolveToolSampler(t.tool, t.sampler, t.schedule),
): string | undefined {
  const least = isToolFinding(resolved) ? undefined : toolMinSteps(resolved);
  if (!least || steps >= least.steps) return undefined;
  return `${TOOL_LABELS[t.tool]}'s ${t.sampler} needs at least ${least.steps} steps (${least.why}), not ${steps}`;
}

function microConditioningProblems(spec: RunSpec): SpecProblem[] {
  const { max } = RUN_LIMITS.microConditioning;
  const fields = [
    ['originalSize', 'original size', ['width', 'height'], 1],
    ['targetSize', 'target size', ['width', 'height'], 1],
    ['cropTopLeft', 'crop top-left', ['x', 'y'], 0],
  ] as const;
  const problems: SpecProblem[] = [];
  for (const [field, label, keys, min] of fields) {
    const v = spec[field] as Record<string, unknown> | undefined;
    if (v === undefined) continue;
    const inRange = (x: unknown) => Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
    if (typeof v === 'object' && v !== null && keys.every((k) => inRange(v[k]))) continue;
    const given =
      typeof v === 'object' && v !== null ? keys.map((k) => show(v[k])).join(keys[0] === 'x' ? ',' : 'x') : show(v);
    const message = `${label} must be ${keys.join(' and ')}, whole numbers from ${min} to ${max}, not ${given}`;
    problems.push({ field, message });
  }
  return problems;
}

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
}
