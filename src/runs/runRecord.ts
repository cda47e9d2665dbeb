// The full record of one generated image, built on the host from the spec and what the engine
// reports, saved in the PNG (tEXt `diffusion-lab`, beside A1111's `parameters`) and, when asked,
// as JSON beside it, so the image alone reproduces the run.
import { basename } from 'node:path';
import type { RunInfo } from '../protocol/engine';
import {
  DEFAULT_GROW_MASK_BY,
  DEFAULT_MASK_PADDING,
  DEFAULT_STRENGTH,
  isVaried,
  RUN_LIMITS,
  runSpec,
  type RunSpec,
} from '../protocol/run';
import type { RunInputs } from './inputImages';
import { formatParameters, parseParameters, type A1111Parameters } from './a1111Parameters';
import { imageSpec } from './imageSpec';
import { comfyPrompt, type ComfyRun, comfyWorkflow } from './comfyWorkflow';
import { readComfyPrompt } from './comfyPromptReader';
import { isToolFinding, resolveToolSampler, TOOL_LABELS } from '../core/kdiffusion/toolSamplers';
import { A1111_MASKED_CONTENT } from '../core/kdiffusion/a1111Inpaint';
import { toolEquivalents } from './toolEquivalents';

export const RECORD_FORMAT = 'diffusion-lab.run/2';
/** Records of the first release, flat; still read so older images re-run. */
const RECORD_FORMAT_1 = 'diffusion-lab.run/1';
/** The PNG text keywords: A1111's, and ours with the JSON record. */
export const PARAMETERS_KEY = 'parameters';
export const RECORD_KEY = 'diffusion-lab';
/** ComfyUI's keywords: the API-format graph and the UI workflow (comfyWorkflow.ts). */
export const COMFY_PROMPT_KEY = 'prompt';
export const COMFY_WORKFLOW_KEY = 'workflow';

export interface RunRecord {
  format: typeof RECORD_FORMAT;
  /** When the run started, by the host's clock (the one clock of a run). */
  createdAt: string;
  /** The run as it ran: its first seed, defaults resolved. */
  spec: RunInfo['spec'];
  /** This image's seed (spec.seed + batchIndex) and its place in the batch. */
  seed: number;
  batchIndex: number;
  /** What ran: effective scheduler, model, provider, timings. */
  ran: Omit<RunInfo, 'spec' | 'seeds'>;
  /** The input images (spec.initImage, spec.mask) as read: path, SHA-256 of the file, size. */
  inputs?: RunInputs['files'];
}

/** One record per image of a finished run. */
export function buildRunRecords(createdAt: Date, info: RunInfo, inputs?: RunInputs['files']): RunRecord[] {
  const { spec, seeds, ...ran } = info;
  return seeds.map((seed, batchIndex) => ({
    format: RECORD_FORMAT,
    createdAt: createdAt.toISOString(),
    spec,
    seed,
    batchIndex,
    ran,
    ...(inputs && { inputs }),
  }));
}

/** A1111's parameters for the record. "Sampler" and "Schedule type" are the pair that runs the same in
 * A1111 (toolEquivalents.ts), the schedule type always written: A1111 reads a missing one as Automatic. Where
 * A1111 has no such pair neither is written, and "Sampler note" says why. */
export function toA1111(record: RunRecord): A1111Parameters {
  const eq = toolEquivalents({ ...record.ran, spec: record.spec });
  const { spec } = record;
  // What ran where the record says, else what was asked: a blank mask turns "only masked" into image-to-image.
  const ranImage = record.ran.image;
  const inpainted = spec.mask !== undefined && ranImage?.mode !== 'img2img';
  const onlyMasked = inpainted && spec.inpaintArea === 'only masked' && ranImage?.resize !== 'stretch-lanczos3';
  return {
    prompt: spec.prompt,
    negativePrompt: spec.negativePrompt,
    steps: spec.steps,
    sampler: eq.a1111?.sampler,
    scheduleType: eq.a1111?.scheduleType,
    cfgScale: spec.guidanceScale,
    seed: record.seed,
    width: spec.width,
    height: spec.height,
    // A1111 shows the first ten hex digits of the weights' SHA-256.
    modelHash: record.ran.model.hash.slice(0, 10) || undefined,
    model: record.ran.model.name,
    denoisingStrength: spec.initImage !== undefined && !spec.invert ? spec.strength : undefined,
    maskBlur: spec.mask !== undefined ? (spec.maskBlur ?? 0) : undefined,
    extra: [
      // A1111's infotext names a varied image's own variation seed (processing.py create_infotext).
      ...(isVaried(spec) ? variationPairs(spec.subseed! + record.batchIndex, spec.subseedStrength!) : []),
      // A1111 writes it only for its samplers that take it at η ≠ 0 (is_sampler_using_eta_noise_seed_delta);
      // written whenever set, as the noise of the others (LCM, DDPM, Restart here) depends on it too.
      ...(spec.etaNoiseSeedDelta ? [[ENSD, String(spec.etaNoiseSeedDelta)] as [string, string]] : []),
      // A1111 writes it for every masked content but original (processing.py init), where the run inpainted:
      // a blank mask turns "only masked" into image-to-image, without either key.
      ...(inpainted && spec.maskedContent && spec.maskedContent !== 'original'
        ? [[MASKED_CONTENT, spec.maskedContent] as [string, string]]
        : []),
      ...(onlyMasked ? onlyMaskedPairs(spec) : []),
      ...(eq.a1111Why ? [['Sampler note', `${ranSampler(record)}: ${eq.a1111Why}`] as [string, string]] : []),
      ...refinerPairs(record.ran.refiner),
      // Every noise convention draws from torch's CPU generator; A1111 reads a missing "RNG" as GPU.
      ['RNG', 'CPU'],
      ['Version', 'Diffusion Lab'],
    ],
  };
}

const REFINER = 'Refiner';
const REFINER_SWITCH = 'Refiner switch at';

/** A1111's refiner keys (modules/sd_samplers_common.py): the checkpoint's short title "name [hash10]" and the
 * switch. A1111 switches at a fraction of the sampling steps, diffusers (and this engine) at a fraction of the
 * training timesteps; with the usual leading or trailing spacing the two land on the same step. */
function refinerPairs(refiner: RunRecord['ran']['refiner']): [string, string][] {
  if (!refiner) return [];
  const title = refiner.hash ? `${refiner.name} [${refiner.hash.slice(0, 10)}]` : refiner.name;
  return [
    [REFINER, title],
    [REFINER_SWITCH, String(refiner.switchAt)],
  ];
}

/** A refined A1111 image names a checkpoint, not a folder: the user is told which to give. */
function refinerNote(extra: [string, string][]): string | undefined {
  const name = extra.find(([k]) => k === REFINER)?.[1];
  if (name === undefined) return undefined;
  const at = extra.find(([k]) => k === REFINER_SWITCH)?.[1] ?? 'its default';
  return `refined with ${name}, switching at ${at}: give that refiner's folder to refine the re-run`;
}

const ENSD = 'ENSD';
const VARIATION_SEED = 'Variation seed';
const VARIATION_STRENGTH = 'Variation seed strength';

function variationPairs(subseed: number, strength: number): [string, string][] {
  return [
    [VARIATION_SEED, String(subseed)],
    [VARIATION_STRENGTH, String(strength)],
  ];
}

/** The variation seed and strength an A1111 settings line gives, when both are there as numbers. */
function variationOf(extra: [string, string][]): Pick<RunSpec, 'subseed' | 'subseedStrength'> {
  const value = (key: string) => Number(extra.find(([k]) => k === key)?.[1] ?? NaN);
  const [subseed, subseedStrength] = [value(VARIATION_SEED), value(VARIATION_STRENGTH)];
  return Number.isInteger(subseed) && Number.isFinite(subseedStrength) ? { subseed, subseedStrength } : {};
}

/** The eta noise seed delta an A1111 settings line gives, when it is a whole number other than 0. */
const MASKED_CONTENT = 'Masked content';

const INPAINT_AREA = 'Inpaint area';
const MASK_PADDING = 'Masked area padding';

/** A1111's keys for inpaint area "Only masked", which it writes only for that area. */
function onlyMaskedPairs(spec: RunSpec): [string, string][] {
  return [
    [INPAINT_AREA, 'Only masked'],
    [MASK_PADDING, String(spec.maskPadding ?? DEFAULT_MASK_PADDING)],
  ];
}

function inpaintAreaOf(extra: [string, string][]): Pick<RunSpec, 'inpaintArea' | 'maskPadding'> {
  if (extra.find(([k]) => k === INPAINT_AREA)?.[1] !== 'Only masked') return {};
  const padding = Number(extra.find(([k]) => k === MASK_PADDING)?.[1] ?? NaN);
  return { inpaintArea: 'only masked', ...(wholeIn(padding, RUN_LIMITS.maskPadding) && { maskPadding: padding }) };
}

/** Whether a number read from another tool's metadata is a whole number the run limits allow. */
function wholeIn(v: number, { min, max }: { min: number; max: number }): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

function maskedContentOf(extra: [string, string][]): Pick<RunSpec, 'maskedContent'> {
  const content = extra.find(([k]) => k === MASKED_CONTENT)?.[1];
  const known = A1111_MASKED_CONTENT.find((c) => c === content && c !== 'original');
  return known ? { maskedContent: known } : {};
}

function ensdOf(extra: [string, string][]): Pick<RunSpec, 'etaNoiseSeedDelta'> {
  const delta = Number(extra.find(([k]) => k === ENSD)?.[1] ?? NaN);
  return Number.isSafeInteger(delta) && delta !== 0 ? { etaNoiseSeedDelta: delta } : {};
}

/** The run's sampler in its own terms, for notes. */
function ranSampler(record: RunRecord): string {
  const tool = record.ran.toolSampler;
  if (!tool) return String(record.ran.scheduler._class_name);
  const { sampler, schedule } = record.spec.toolSampler ?? { sampler: tool.sampler };
  return `${TOOL_LABELS[tool.tool]} ${sampler}${schedule ? ` ${schedule}` : ''}`;
}

/** The KSampler graph that runs the record in ComfyUI (from the init image's file for an image-to-image run);
 * undefined when its KSampler cannot. */
export function toComfy(record: RunRecord): ComfyRun | undefined {
  const names = toolEquivalents({ ...record.ran, spec: record.spec }).comfyui;
  if (!names) return undefined;
  const { spec } = record;
  return {
    checkpoint: `${record.ran.model.name}.safetensors`,
    positive: spec.prompt,
    negative: spec.negativePrompt,
    width: spec.width,
    height: spec.height,
    batchSize: 1,
    seed: record.seed,
    steps: spec.steps,
    cfg: spec.guidanceScale,
    samplerName: names.samplerName,
    scheduler: names.scheduler,
    ...(spec.initImage !== undefined && {
      init: {
        image: basename(spec.initImage),
        denoise: spec.strength ?? DEFAULT_STRENGTH,
        ...(spec.mask !== undefined && { mask: basename(spec.mask), node: spec.inpaintNode }),
        ...(spec.inpaintNode === 'VAEEncodeForInpaint' && { grow: spec.growMaskBy ?? DEFAULT_GROW_MASK_BY }),
      },
    }),
  };
}

/** The text chunks of a saved PNG: A1111's parameters, our record, and ComfyUI's graph where it has one.
 * JSON is ASCII-escaped: tEXt holds Latin-1 only. */
export function pngTextChunks(record: RunRecord): Record<string, string> {
  const comfy = toComfy(record);
  return {
    [PARAMETERS_KEY]: formatParameters(toA1111(record)),
    [RECORD_KEY]: asciiJson(record),
    ...(comfy && {
      [COMFY_PROMPT_KEY]: asciiJson(comfyPrompt(comfy)),
      [COMFY_WORKFLOW_KEY]: asciiJson(comfyWorkflow(comfy)),
    }),
  };
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** What a PNG says about the run that made it, for "Re-run from Image". */
export interface RestoredRun {
  source: 'diffusion-lab' | 'a1111' | 'comfyui';
  /** The spec fields the image states: a diffusers `scheduler` config with `_class_name`, or, for A1111
   * and ComfyUI images, the tool's own sampler (`toolSampler`). */
  spec: Partial<Omit<RunSpec, 'modelDir'>> & Pick<RunSpec, 'prompt' | 'negativePrompt'>;
  /** A sampler name this project does not know or run (kept so the user can be told). */
  unknownSampler?: string;
  model: { name?: string; hash?: string; dir?: string };
  /** What the image said that could not be taken over. */
  notes?: string[];
}

/** Reads our record when present, else A1111 parameters, else ComfyUI's `prompt` graph; undefined when the
 * PNG has none of them. A1111 and ComfyUI names restore as that tool's sampler (the same meaning). */
export function restoreFromPngText(texts: Record<string, string>): RestoredRun | undefined {
  const record = recordFromPngText(texts);
  if (record) {
    const { modelDir: _dir, batchSize: _batch, ...spec } = record.spec;
    const { name, hash, dir } = record.ran.model;
    // This image's own seeds, so the image alone re-makes it.
    const { seed, subseed } = imageSpec(record, false);
    return {
      source: 'diffusion-lab',
      spec: { ...spec, seed, subseed, scheduler: record.ran.scheduler },
      model: { name, hash, dir },
    };
  }
  if (texts[PARAMETERS_KEY] !== undefined) return fromA1111(texts[PARAMETERS_KEY]);
  return texts[COMFY_PROMPT_KEY] === undefined ? undefined : fromComfy(texts[COMFY_PROMPT_KEY]);
}

/** The spec that makes a restored image again, exactly and alone, from our record (which names the model
 * folder and the scheduler that ran); undefined for another tool's text, which a form only approximates. */
export function remakeSpec(r: RestoredRun): RunSpec | undefined {
  if (r.source !== 'diffusion-lab' || r.model.dir === undefined) return undefined;
  return runSpec({ ...r.spec, modelDir: r.model.dir, batchSize: 1 });
}

function fromA1111(text: string): RestoredRun {
  const p = parseParameters(text);
  const toolSampler = p.sampler ? known({ tool: 'a1111', sampler: p.sampler, schedule: p.scheduleType }) : undefined;
  const spec: RestoredRun['spec'] = {
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    seed: p.seed,
    steps: p.steps,
    guidanceScale: p.cfgScale,
    width: p.width,
    height: p.height,
    toolSampler,
    ...(p.denoisingStrength !== undefined && { strength: p.denoisingStrength }),
    ...(p.maskBlur !== undefined && { maskBlur: p.maskBlur }),
    ...maskedContentOf(p.extra),
    ...inpaintAreaOf(p.extra),
    ...variationOf(p.extra),
    ...ensdOf(p.extra),
  };
  // A1111 writes "RNG" only when it is not GPU; this project draws on the CPU.
  const rng = p.extra.find(([key]) => key === 'RNG')?.[1] ?? 'GPU';
  const refined = refinerNote(p.extra);
  const rngNote = rng === 'CPU' ? [] : [`A1111 drew the noise with RNG ${rng}; the CPU noise here differs`];
  const content = p.extra.find(([k]) => k === MASKED_CONTENT)?.[1];
  const contentNote =
    content && !spec.maskedContent ? [`A1111's masked content "${content}" is not run here: original`] : [];
  const all = [...rngNote, ...contentNote, ...(refined ? [refined] : [])];
  const notes = all.length ? all : undefined;
  const unknownSampler = p.sampler && !toolSampler ? p.sampler : undefined;
  return {
    source: 'a1111',
    spec,
    unknownSampler,
    model: { name: p.model, hash: p.modelHash },
    ...(notes && { notes }),
  };
}

function fromComfy(text: string): RestoredRun | undefined {
  const c = readComfyPrompt(text);
  if (!c) return undefined;
  const toolSampler = c.samplerName
    ? known({ tool: 'comfyui', sampler: c.samplerName, schedule: c.scheduler })
    : undefined;
  const notes = [...c.notes];
  if (c.initImage !== undefined)
    notes.push(`it started from "${c.initImage}" (ComfyUI's LoadImage): choose that image to run from it`);
  else if (c.denoise !== undefined && c.denoise !== 1)
    notes.push(`denoise ${c.denoise} needs an input image; ran as 1`);
  if (c.mask !== undefined)
    notes.push(`it inpainted with the mask "${c.mask}" (ComfyUI's LoadImageMask): choose it as the mask`);
  const spec: RestoredRun['spec'] = {
    prompt: c.positive ?? '',
    negativePrompt: c.negative ?? '',
    seed: c.seed,
    steps: c.steps,
    guidanceScale: c.cfg,
    width: c.width,
    height: c.height,
    toolSampler,
    ...(c.initImage !== undefined && c.denoise !== undefined && { strength: c.denoise }),
    ...(c.inpaintNode !== undefined && c.inpaintNode !== 'SetLatentNoiseMask' && { inpaintNode: c.inpaintNode }),
    ...(c.growMaskBy !== undefined && wholeIn(c.growMaskBy, RUN_LIMITS.growMaskBy) && { growMaskBy: c.growMaskBy }),
  };
  const model = { name: c.checkpoint?.replace(/\.(safetensors|ckpt|pt|pth|bin)$/i, '') };
  const unknownSampler = c.samplerName && !toolSampler ? c.samplerName : undefined;
  return { source: 'comfyui', spec, unknownSampler, model, ...(notes.length && { notes }) };
}

/** The tool sampler when this project runs it. */
function known(t: NonNullable<RunSpec['toolSampler']>): RunSpec['toolSampler'] {
  const spec = t.schedule === undefined ? { tool: t.tool, sampler: t.sampler } : t;
  return isToolFinding(resolveToolSampler(spec.tool, spec.sampler, spec.schedule)) ? undefined : spec;
}

/** The record a PNG of ours carries in its text chunks. */
export function recordFromPngText(texts: Record<string, string>): RunRecord | undefined {
  return parseRecord(texts[RECORD_KEY]);
}

/** A record from its JSON text, a first-format record brought to the current one; undefined when
 * the text is not a record. */
export function parseRecord(text: string | undefined): RunRecord | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.format === RECORD_FORMAT) return isRecord(v) ? (v as unknown as RunRecord) : undefined;
  return v.format === RECORD_FORMAT_1 ? fromFirstFormat(v) : undefined;
}

function isRecord(v: Record<string, unknown>): boolean {
  const spec = v.spec as Record<string, unknown> | undefined;
  const ran = v.ran as Record<string, unknown> | undefined;
  return typeof spec?.prompt === 'string' && typeof ran?.scheduler === 'object' && typeof ran.model === 'object';
}

/** diffusion-lab.run/1 held the spec and what ran side by side in one flat object. */
function fromFirstFormat(v: Record<string, unknown>): RunRecord | undefined {
  const r = v as Record<string, never>;
  if (typeof v.prompt !== 'string' || typeof v.scheduler !== 'object' || typeof v.model !== 'object') return undefined;
  const model = r.model as RunInfo['model'];
  return {
    format: RECORD_FORMAT,
    createdAt: r.createdAt,
    spec: {
      modelDir: model.dir,
      prompt: r.prompt,
      negativePrompt: r.negativePrompt ?? '',
      seed: (r.seed as number) - ((r.batchIndex as number) ?? 0),
      steps: r.steps,
      guidanceScale: r.guidanceScale,
      guidanceRescale: r.guidanceRescale ?? 0,
      width: r.width,
      height: r.height,
      batchSize: r.batchSize ?? 1,
      ...(v.timesteps !== undefined && { timesteps: r.timesteps }),
      ...(v.sigmas !== undefined && { sigmas: r.sigmas }),
    },
    seed: r.seed,
    batchIndex: r.batchIndex ?? 0,
    ran: {
      scheduler: r.scheduler,
      model,
      provider: r.provider,
      providerFallbacks: r.providerFallbacks ?? [],
      timings: r.timings,
      warnings: [],
      unknownWords: [],
      truncatedTokens: 0,
      promptTokens: 0,
      promptChunks: 0,
    },
  };
}
