// Messages between the extension host and the generation workbench's webviews (the generate panel
// and the side-panel gallery), and the parameter rules both sides check: the webview to flag a
// field before anything runs, the host again because a webview's message is untrusted input.
// Webviews name runs and models by id, never by file path.

import type { ModelFamily } from '../core/model/familyDefaults';
import type { PreviewKind } from './engine';
import { parseImageAction, type ImageActionMessage } from './imageActions';
import { MICRO_KEYS, microSpec } from './microConditioning';
import {
  RANDOM_SEED,
  RUN_LIMITS,
  toolEnsdProblem,
  toolImageProblem,
  toolStepsProblem,
  toolVariationProblem,
  runSpec,
  type RunSpec,
} from './run';
import { fitProblems, type ModelFit } from './modelFit';
import {
  parseImageInput,
  parseImageMessage,
  type FromWorkbenchImage,
  type ImageInputForm,
  type ImageMode,
  type ToWorkbenchImage,
} from './workbenchImage';
import { MODEL_SAMPLER, samplerRefusal, samplerSpec, type SamplerOption } from './workbenchSampler';

export type { SamplerOption } from './workbenchSampler';

export type Spacing = 'default' | 'leading' | 'trailing' | 'linspace';
export type SigmaSchedule = 'default' | 'karras' | 'exponential' | 'beta';
export const SPACINGS: readonly Spacing[] = ['default', 'leading', 'trailing', 'linspace'];
export const SIGMA_SCHEDULES: readonly SigmaSchedule[] = ['default', 'karras', 'exponential', 'beta'];

/** The workbench form as typed: numbers may still be text, so a bad value can be named. The
 * sampler picker's entry (and the spacing, where it acts) becomes the spec's scheduler or tool sampler. */
export interface ParamsForm {
  prompt: string;
  negativePrompt: string;
  /** −1: a new random seed for each run. */
  seed: string;
  /** A1111's variation seed (−1: random) and strength (0: none). */
  subseed: string;
  subseedStrength: string;
  /** A1111's eta noise seed delta (0: none). */
  etaNoiseSeedDelta: string;
  steps: string;
  guidanceScale: string;
  /** The sampler picker's entry id (SamplerOption.id); '' keeps the model's own scheduler. */
  sampler: string;
  spacing: string;
  /** SDXL micro-conditioning (src/protocol/microConditioning.ts); empty: the default. Read for SDXL models only. */
  originalSize: string;
  cropTopLeft: string;
  targetSize: string;
  width: string;
  height: string;
  batchSize: string;
  /** Runs one after another, seeds continuing (A1111's batch count). */
  batchCount: string;
  /** What the step viewer previews, and every how many steps. */
  previewKind: string;
  previewEvery: string;
  modelId: string;
}
export type ParamErrors = Partial<Record<keyof ParamsForm, string>>;

/** A validated form: the run's spec (the host adds the model folder), the model chosen by id, how
 * many runs to make and the step viewer's previews. */
export interface FormRun {
  modelId: string;
  spec: Omit<RunSpec, 'modelDir'>;
  batchCount: number;
  preview: { every: number; kind: ViewerPreview };
}

/** The previews the step viewer offers ('none' is the engine's, for runs without a viewer). */
export type ViewerPreview = Exclude<PreviewKind, 'none'>;
export const VIEWER_PREVIEWS: readonly ViewerPreview[] = ['latent', 'taesd', 'vae'];

export interface ModelOption {
  id: string;
  label: string;
  /** Width and height must be multiples of this (8 for latent models). */
  sizeMultiple: number;
  /** The size the model was trained at, used as the default. */
  nativeSize: number;
  /** The guidance scale the engine uses when none is given (the model's recommendation, else 7.5). */
  guidanceScale: number;
  /** The previews this model can make ('taesd' only with a TAESD decoder, 'vae' only with a VAE). */
  previews: ViewerPreview[];
  /** The family recognised (src/core/model/modelFamily.ts); absent when the folder could not be read. */
  family?: ModelFamily;
  /** The steps the model is meant to run at (its folder's recommendation, else its family's). */
  steps?: number;
  /** The model's own scheduler, shown under the picker when it is picked ("EulerDiscreteScheduler, trailing"). */
  schedulerLabel?: string;
  /** Why the tools' samplers cannot run it (src/core/model/toolSamplerSupport.ts). */
  toolSamplersWhy?: string;
  /** Its UNet takes SDXL micro-conditioning (time_ids). */
  microConditioning?: boolean;
  /** What its graphs decide about a run (src/protocol/modelFit.ts), or why it cannot run; absent where
   * they could not be read. */
  fit?: ModelFit | string;
}

export interface ValidationContext {
  samplers: readonly SamplerOption[];
  models: readonly ModelOption[];
  /** The image section's mode and strength: 'none' for a run from noise; absent where it is not known (the
   * webview's form alone), so that what depends on it is left to the host's check. */
  imageMode?: ImageMode | 'none';
  imageStrength?: number;
}

/** The workbench keeps every captured step of every image of a run for its viewer, so it offers a
 * smaller batch than the engine takes (RUN_LIMITS.batchSize). */
export const WORKBENCH_MAX_BATCH = 16;
/** Sizes the workbench offers; the engine takes up to RUN_LIMITS.side.max from the CLI. */
export const WORKBENCH_MAX_SIDE = 2048;
/** Runs one Generate makes in a row; "Generate forever" has no count. */
export const WORKBENCH_MAX_COUNT = 100;

/** Checks every field of a form; `run` is set only when there is no error. */
export function validateParams(form: unknown, ctx: ValidationContext): { run?: FormRun; errors: ParamErrors } {
  const f = (typeof form === 'object' && form !== null ? form : {}) as Record<string, unknown>;
  const errors: ParamErrors = {};
  const text = (key: keyof ParamsForm): string =>
    typeof f[key] === 'string' || typeof f[key] === 'number' ? String(f[key]) : '';
  const L = RUN_LIMITS;

  const integer = (key: keyof ParamsForm, label: string, min: number, max: number): number => {
    const raw = text(key).trim();
    if (!/^[+-]?\d+$/.test(raw)) {
      errors[key] = raw === '' ? `${label} is required.` : `${label} must be a whole number, not "${raw}".`;
      return NaN;
    }
    const n = Number(raw);
    if (n < min || n > max) errors[key] = `${label} must be between ${min} and ${max}.`;
    return n;
  };

  const seed = Number(text('seed').trim());
  if (!/^-?\d+$/.test(text('seed').trim()) || !(seed === RANDOM_SEED || (seed >= L.seed.min && seed <= L.seed.max))) {
    errors.seed = `Seed must be −1 (random) or a whole number from ${L.seed.min} to ${L.seed.max}.`;
  }
  const subseedRaw = text('subseed').trim();
  const subseed = Number(subseedRaw);
  if (!/^-?\d+$/.test(subseedRaw) || !(subseed === RANDOM_SEED || (subseed >= L.seed.min && subseed <= L.seed.max))) {
    errors.subseed = `Variation seed must be −1 (random) or a whole number from ${L.seed.min} to ${L.seed.max}.`;
  }
  const strengthRaw = text('subseedStrength').trim();
  const subseedStrength = Number(strengthRaw);
  const v = L.subseedStrength;
  if (strengthRaw === '' || !Number.isFinite(subseedStrength) || subseedStrength < v.min || subseedStrength > v.max) {
    errors.subseedStrength = `Variation strength must be a number from ${v.min} to ${v.max}.`;
  }
  // Empty, as 0: none (A1111's default).
  const ensdRaw = text('etaNoiseSeedDelta').trim() || '0';
  const etaNoiseSeedDelta = Number(ensdRaw);
  if (!/^\d+$/.test(ensdRaw) || etaNoiseSeedDelta > L.seed.max) {
    errors.etaNoiseSeedDelta = `ENSD must be a whole number from ${L.seed.min} to ${L.seed.max} (0: none).`;
  }
  const steps = integer('steps', 'Steps', L.steps.min, L.steps.max);
  const batchSize = integer('batchSize', 'Batch size', L.batchSize.min, WORKBENCH_MAX_BATCH);
  const batchCount = integer('batchCount', 'Batch count', 1, WORKBENCH_MAX_COUNT);
  const previewEvery = integer('previewEvery', 'Preview every', 1, L.steps.max);

  const guidanceRaw = text('guidanceScale').trim();
  const guidanceScale = Number(guidanceRaw);
  const g = L.guidanceScale;
  if (guidanceRaw === '' || !Number.isFinite(guidanceScale) || guidanceScale < g.min || guidanceScale > g.max) {
    errors.guidanceScale = `Guidance scale must be a number from ${g.min} to ${g.max}.`;
  }

  const modelId = text('modelId');
  const model = ctx.models.find((m) => m.id === modelId);
  if (!model) errors.modelId = 'Choose a model.';
  const size = (key: 'width' | 'height', label: string): number => {
    const n = integer(key, label, 1, WORKBENCH_MAX_SIDE);
    if (!errors[key] && model && n % model.sizeMultiple !== 0) {
      const suggestion = Math.max(model.sizeMultiple, Math.round(n / model.sizeMultiple) * model.sizeMultiple);
      errors[key] = `${label} must be a multiple of ${model.sizeMultiple} for ${model.label} (try ${suggestion}).`;
    }
    return n;
  };
  const width = size('width', 'Width');
  const height = size('height', 'Height');
  const previewKind = text('previewKind') as ViewerPreview;
  if (!VIEWER_PREVIEWS.includes(previewKind)) errors.previewKind = 'Unknown preview.';
  else if (model && !model.previews.includes(previewKind))
    errors.previewKind = `${model.label} has no ${previewKind.toUpperCase()} decoder for previews.`;

  const sampler = text('sampler');
  const samplerOption = ctx.samplers.find((s) => s.id === sampler) ?? (sampler === '' ? MODEL_SAMPLER : undefined);
  const refusal = samplerOption && samplerRefusal(samplerOption, model);
  if (!samplerOption) errors.sampler = `Unknown sampler "${sampler}".`;
  else if (refusal) errors.sampler = `${samplerOption.label}: ${refusal}`;
  const spacing = text('spacing') as Spacing;
  if (!SPACINGS.includes(spacing)) errors.spacing = 'Unknown timestep spacing.';
  else if (spacing !== 'default' && samplerOption && !samplerOption.spacing)
    errors.spacing = `${samplerOption.label} has no timestep spacing option.`;
  const fewSteps = samplerOption?.toolSampler && toolStepsProblem(samplerOption.toolSampler, steps);
  if (fewSteps && !errors.steps) errors.steps = `${fewSteps}.`;
  const variation =
    samplerOption?.toolSampler && toolVariationProblem({ subseedStrength, toolSampler: samplerOption.toolSampler });
  if (variation) errors.subseedStrength = `${capitalized(variation)}: set the strength to 0.`;
  const ensd =
    samplerOption?.toolSampler && toolEnsdProblem({ etaNoiseSeedDelta, toolSampler: samplerOption.toolSampler });
  if (ensd && !errors.etaNoiseSeedDelta) errors.etaNoiseSeedDelta = `${capitalized(ensd)}: set it to 0.`;
  const mode = ctx.imageMode === 'none' ? undefined : ctx.imageMode;
  const image = mode && imageProblem(mode, samplerOption?.toolSampler, steps, ctx.imageStrength);
  if (image && !errors.sampler) errors.sampler = `${capitalized(image)}.`;
  const micro = microSpec({
    originalSize: text('originalSize'),
    cropTopLeft: text('cropTopLeft'),
    targetSize: text('targetSize'),
  });
  if (model?.microConditioning) Object.assign(errors, micro.errors);
  if (model?.fit !== undefined && !errors.modelId) {
    const fitted = { width, height, batchSize, mode: ctx.imageMode, sampler: samplerOption };
    Object.assign(errors, { ...fitErrors(model.fit, fitted), ...errors });
  }

  if (Object.keys(errors).length > 0 || !samplerOption) return { errors };
  const spec: FormRun['spec'] = {
    prompt: text('prompt'),
    negativePrompt: text('negativePrompt'),
    seed,
    steps,
    guidanceScale,
    guidanceRescale: 0,
    width,
    height,
    batchSize,
    ...samplerSpec(samplerOption, spacing),
    ...(model?.microConditioning && micro.spec),
    ...(subseedStrength !== 0 && { subseed, subseedStrength }),
    ...(etaNoiseSeedDelta !== 0 && { etaNoiseSeedDelta }),
  };
  return { errors, run: { modelId, spec, batchCount, preview: { every: previewEvery, kind: previewKind } } };
}

/** The form field that each of the model's refusals (fitProblems) belongs to; the tool sampler's is said
 * by samplerRefusal, micro-conditioning by the SDXL fields. */
const FIT_FIELDS: Partial<Record<keyof RunSpec, keyof ParamsForm>> = {
  width: 'width',
  height: 'height',
  initImage: 'modelId',
  mask: 'modelId',
};

/** What the model refuses in the form's size, batch and image mode, by form field. */
function fitErrors(
  fit: ModelFit | string,
  form: { width: number; height: number; batchSize: number; mode?: ImageMode | 'none'; sampler?: SamplerOption },
): ParamErrors {
  // A refusal about the model starts with its name or path: its case is kept.
  if (typeof fit === 'string') return { modelId: `${fit}.` };
  if (![form.width, form.height, form.batchSize].every(Number.isInteger)) return {};
  const spec = runSpec({
    modelDir: '',
    prompt: '',
    seed: 0,
    width: form.width,
    height: form.height,
    batchSize: form.batchSize,
    ...(form.mode !== undefined && form.mode !== 'none' && { initImage: 'image' }),
    ...(form.mode === 'inpaint' && { mask: 'mask' }),
    ...(form.mode === 'invert' && { invert: true }),
    ...(form.sampler && samplerSpec(form.sampler, 'default')),
  });
  const errors: ParamErrors = {};
  for (const p of fitProblems(spec, fit)) {
    // Without the image section's mode (the webview's own check), what needs an image waits for the host's.
    if (form.mode === undefined && (p.field === 'initImage' || p.field === 'mask')) continue;
    const key = FIT_FIELDS[p.field];
    if (key && !errors[key]) errors[key] = `${key === 'modelId' ? p.message : capitalized(p.message)}.`;
  }
  return errors;
}

/** Why the sampler picked cannot run from an image in `mode` at these steps and strength (run.ts
 * toolImageProblem), or undefined. */
function imageProblem(
  mode: ImageMode,
  toolSampler: RunSpec['toolSampler'],
  steps: number | undefined,
  strength: number | undefined,
): string | undefined {
  const image = { initImage: '', invert: mode === 'invert', mask: mode === 'inpaint' ? '' : undefined };
  // Steps that are not a whole number are the Steps field's to name.
  return toolImageProblem({ ...image, toolSampler, steps: Number.isInteger(steps) ? steps : undefined, strength });
}

const capitalized = (message: string) => `${message[0].toUpperCase()}${message.slice(1)}`;

/** One step of a run as the viewer shows it: batch item 0's latents and the step's statistics. */
export interface StepFrame {
  step: number;
  totalSteps: number;
  t: number;
  sigma: number;
  /** Mean and standard deviation of x_t over the whole batch. */
  mean: number;
  std: number;
  noiseNorm?: number;
  /** [channels, height, width] of xt and x0. */
  latentShape: number[];
  xt?: Float32Array;
  x0?: Float32Array;
  /** The engine's preview of x̂0. */
  preview?: { width: number; height: number; rgba: Uint8Array };
}

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface RunSummary {
  id: string;
  createdAt: string;
  /** What the run makes, seed drawn (never −1); once done, as it ran (defaults resolved). */
  spec: RunSpec;
  modelLabel: string;
  status: RunStatus;
  error?: string;
  images: { seed: number; width: number; height: number; savedAs?: string }[];
  /** Where the JSON record was saved, by file name. */
  recordSavedAs?: string;
  provider?: string;
  schedulerClass?: string;
  /** The model's family as the engine recognised it (FamilyInfo.family), once done. */
  family?: string;
  /** The handed-over schedule the run used, by label. */
  scheduleLabel?: string;
  totalMs?: number;
  /** An inversion's reconstruction PSNR against its input, dB (RunInfo.image.psnr). */
  psnr?: number;
  /** Steps sampled when an init image's strength ran fewer than spec.steps (ImageRunInfo.stepsRun). */
  stepsRun?: number;
}

/** A run with what the viewer needs: every captured step and the final PNGs. */
export interface RunDetail {
  run: RunSummary;
  frames: StepFrame[];
  pngs: Uint8Array[];
}

/** A schedule handed to the workbench (the schedule inspector's "Generate with this schedule"). While
 * set it is the run's scheduler, in place of the form's sampler, spacing and σ choices. */
export interface RunSchedule {
  label: string;
  /** A scheduler_config.json object (GenerateRequest.scheduler). */
  scheduler?: Record<string, unknown>;
  /** Explicit inference timesteps or σ (GenerateRequest.timesteps / sigmas); they fix the step count. */
  timesteps?: number[];
  sigmas?: number[];
  /** The step count chosen where the schedule came from (the inspector's Steps); the form takes it. */
  steps?: number;
}

/** The form's run with a handed-over schedule in place of its sampler: a tool sampler picked in the form
 * goes too, since it would run instead of the schedule. */
export function withSchedule(spec: FormRun['spec'], schedule: RunSchedule): FormRun['spec'] {
  const { toolSampler: _replaced, ...rest } = spec;
  return { ...rest, scheduler: schedule.scheduler, timesteps: schedule.timesteps, sigmas: schedule.sigmas };
}

const MAX_SCHEDULE_JSON = 1_000_000;

/** Host-side check of `diffusionLab.openWorkbench`'s argument `{ schedule }`, which other surfaces
 * (and other extensions) may pass: the schedule, or an error that names what is wrong. The engine
 * checks the values against the model; this checks the shape. */
export function parseScheduleArgument(arg: unknown): { schedule: RunSchedule } | { error: string } {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const s = isObject(arg) ? arg.schedule : undefined;
  if (!isObject(s)) return { error: 'expected { schedule: { label, scheduler?, timesteps?, sigmas? } }' };
  if (typeof s.label !== 'string' || s.label.trim() === '' || s.label.length > 200)
    return { error: 'schedule.label must be a name of 1 to 200 characters' };
  if (s.scheduler !== undefined && !isObject(s.scheduler))
    return { error: 'schedule.scheduler must be a scheduler config object' };
  const list = (key: 'timesteps' | 'sigmas') => {
    const v = s[key];
    return (
      v === undefined ||
      (Array.isArray(v) &&
        v.length >= 1 &&
        v.length <= 1001 &&
        v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    );
  };
  for (const key of ['timesteps', 'sigmas'] as const)
    if (!list(key)) return { error: `schedule.${key} must be a list of 1 to 1001 finite numbers` };
  if (s.timesteps !== undefined && s.sigmas !== undefined)
    return { error: 'schedule gives both timesteps and sigmas; give one' };
  if (s.scheduler === undefined && s.timesteps === undefined && s.sigmas === undefined)
    return { error: 'schedule has no scheduler config, timesteps or sigmas' };
  const { min, max } = RUN_LIMITS.steps;
  if (
    s.steps !== undefined &&
    (typeof s.steps !== 'number' || !Number.isInteger(s.steps) || s.steps < min || s.steps > max)
  ) {
    return { error: `schedule.steps must be a whole number from ${min} to ${max}` };
  }
  if (s.steps !== undefined && (s.timesteps !== undefined || s.sigmas !== undefined))
    return { error: 'schedule.steps does not go with explicit timesteps or sigmas' };
  let size: number;
  try {
    size = JSON.stringify(s.scheduler ?? {}).length;
  } catch {
    return { error: 'schedule.scheduler is not plain JSON' };
  }
  if (size > MAX_SCHEDULE_JSON)
    return { error: `schedule.scheduler is ${size} characters of JSON, more than ${MAX_SCHEDULE_JSON}` };
  const schedule: RunSchedule = { label: s.label.trim() };
  // A JSON round trip keeps only plain data (no getters, prototypes or functions) from the caller.
  if (s.scheduler !== undefined)
    schedule.scheduler = JSON.parse(JSON.stringify(s.scheduler)) as Record<string, unknown>;
  if (s.timesteps !== undefined) schedule.timesteps = [...(s.timesteps as number[])];
  if (s.sigmas !== undefined) schedule.sigmas = [...(s.sigmas as number[])];
  if (s.steps !== undefined) schedule.steps = s.steps;
  return { schedule };
}

export interface WorkbenchSnapshot {
  form: ParamsForm;
  models: ModelOption[];
  samplers: SamplerOption[];
  /** The provider setting, and what last actually ran. */
  provider: { setting: string; lastUsed?: string };
  runs: RunSummary[];
  activeRunId?: string;
  running: boolean;
  /** The schedule the next runs use, when one was handed over. */
  schedule?: RunSchedule;
  queue: QueueState;
}

/** The runs waiting after the one in progress. */
export interface QueueState {
  /** Runs still to make after the current one; 0 when none. */
  waiting: number;
  /** "Generate forever" is on: runs keep coming until cancelled. */
  forever: boolean;
}

export type TrajectoryFormat = 'gif' | 'strip';

/** Generate panel → host. */
export type FromWorkbench =
  | { type: 'ready' }
  | { type: 'formChanged'; form: ParamsForm }
  /** `forever`: keep making runs (new seeds) until cancelled; `image`: start from an init image. */
  | { type: 'generate'; form: ParamsForm; forever?: boolean; image?: ImageInputForm }
  | FromWorkbenchImage
  | { type: 'cancel' }
  | { type: 'browseModel' }
  | { type: 'openRun'; runId: string }
  | { type: 'saveRun'; runId: string }
  | { type: 'exportTrajectory'; runId: string; format: TrajectoryFormat; bytes: Uint8Array }
  | ImageActionMessage
  | { type: 'rerunFromImage' }
  /** Return to the form's sampler. */
  | { type: 'dropSchedule' }
  /** Count a prompt box's tokens and find its unknown words with the model's tokenizer (no model loads). */
  | { type: 'tokenize'; field: PromptField; text: string; modelId: string };

/** The two prompt boxes. */
export type PromptField = 'prompt' | 'negativePrompt';

/** A prompt as the model's tokenizer sees it (the answer to 'tokenize'). */
export interface PromptTokens {
  /** The text counted, so a late answer for older text can be told apart. */
  text: string;
  modelId: string;
  /** A1111's token count (BOS, EOS and padding left out). */
  count: number;
  /** The token capacity of the windows the prompt takes: A1111's "count/window", 75 per CLIP window. */
  window: number;
  chunks: number;
  /** Where the words the vocabulary cannot represent stand in `text` (UTF-16 offsets, end exclusive). */
  unknown: { start: number; end: number }[];
  /** Why the prompt could not be read (a bad attention weight, or the model has no tokenizer). */
  error?: string;
}

/** Host → generate panel. */
export type ToWorkbench =
  | { type: 'snapshot'; snapshot: WorkbenchSnapshot }
  /** New form values (re-run from image), with a note on what was kept; no note clears the last. */
  | { type: 'form'; form: ParamsForm; note?: string }
  /** "Re-run from image" could not read the image: the form is unchanged. */
  | { type: 'importFailed'; message: string }
  | { type: 'models'; models: ModelOption[]; selectId?: string }
  | { type: 'errors'; errors: ParamErrors }
  | { type: 'runStarted'; run: RunSummary }
  | { type: 'step'; runId: string; frame: StepFrame }
  | { type: 'runFinished'; run: RunSummary; pngs: Uint8Array[] }
  /** A stored run changed (e.g. its images were saved). */
  | { type: 'runUpdated'; run: RunSummary }
  | { type: 'runDetail'; detail: RunDetail }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  | { type: 'queue'; queue: QueueState }
  /** The schedule the next runs use changed; undefined: the form's sampler again. */
  | { type: 'schedule'; schedule?: RunSchedule }
  | ({ type: 'tokens'; field: PromptField } & PromptTokens)
  | ToWorkbenchImage;

export interface GalleryItem {
  run: RunSummary;
  /** A small PNG of each image of the run (the gallery shows one entry per image). */
  thumbnails: (Uint8Array | undefined)[];
}

/** The last step the run in progress took, with its preview when it has one. */
export interface LiveProgress {
  step: number;
  totalSteps: number;
  preview?: StepFrame['preview'];
}

/** The run in progress; `progress` is absent until its first step. */
export interface LiveRun {
  runId: string;
  progress?: LiveProgress;
}

/** Side-panel gallery → host. */
export type FromGallery =
  | { type: 'ready' }
  | { type: 'openRun'; runId: string }
  /** Drop a run from the gallery (the host asks first; saved output files are kept). */
  | { type: 'removeRun'; runId: string }
  | ImageActionMessage;

/** Host → side-panel gallery. */
export type ToGallery =
  | { type: 'snapshot'; items: GalleryItem[]; live?: LiveRun }
  /** A run began (no step taken yet). */
  | { type: 'liveStarted'; runId: string }
  | { type: 'liveStep'; runId: string; progress: LiveProgress }
  /** The live run ended without an image (failed or cancelled); a finished one arrives as an item. */
  | { type: 'liveEnded'; runId: string }
  | { type: 'item'; item: GalleryItem }
  | { type: 'updated'; run: RunSummary }
  | { type: 'removed'; runId: string };

const RUN_ID = /^[a-z0-9-]{1,64}$/;

/** Host-side check of a generate panel message; undefined when it is not one. */
export function parseFromWorkbench(m: unknown): FromWorkbench | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const msg = m as Record<string, unknown>;
  const runId = typeof msg.runId === 'string' && RUN_ID.test(msg.runId) ? msg.runId : undefined;
  switch (msg.type) {
    case 'ready':
    case 'cancel':
    case 'browseModel':
    case 'rerunFromImage':
    case 'dropSchedule':
      return { type: msg.type };
    case 'formChanged':
      return isForm(msg.form) ? { type: msg.type, form: msg.form } : undefined;
    case 'generate': {
      const image = msg.image === undefined ? undefined : parseImageInput(msg.image);
      if (!isForm(msg.form) || (msg.image !== undefined && !image)) return undefined;
      return {
        type: msg.type,
        form: msg.form,
        ...(msg.forever === true && { forever: true }),
        ...(image && { image }),
      };
    }
    case 'imageAction':
      return parseImageAction(msg);
    case 'openRun':
    case 'saveRun':
      return runId ? { type: msg.type, runId } : undefined;
    case 'tokenize': {
      const field = msg.field === 'prompt' || msg.field === 'negativePrompt' ? msg.field : undefined;
      const text = typeof msg.text === 'string' && msg.text.length <= RUN_LIMITS.promptLength ? msg.text : undefined;
      const modelId = typeof msg.modelId === 'string' && msg.modelId.length <= 200 ? msg.modelId : undefined;
      if (!field || text === undefined || modelId === undefined) return undefined;
      return { type: 'tokenize', field, text, modelId };
    }
    case 'exportTrajectory':
      return runId && (msg.format === 'gif' || msg.format === 'strip') && msg.bytes instanceof Uint8Array
        ? { type: 'exportTrajectory', runId, format: msg.format, bytes: msg.bytes }
        : undefined;
    default:
      return parseImageMessage(msg);
  }
}

/** Host-side check of a gallery message. */
export function parseFromGallery(m: unknown): FromGallery | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const msg = m as Record<string, unknown>;
  if (msg.type === 'ready') return { type: 'ready' };
  const runId = typeof msg.runId === 'string' && RUN_ID.test(msg.runId) ? msg.runId : undefined;
  if ((msg.type === 'openRun' || msg.type === 'removeRun') && runId) return { type: msg.type, runId };
  return parseImageAction(msg);
}

/** The form's fields, all text: what a message must carry to be a form. */
export const FORM_KEYS: readonly (keyof ParamsForm)[] = [
  'prompt',
  'negativePrompt',
  'seed',
  'subseed',
  'subseedStrength',
  'etaNoiseSeedDelta',
  'steps',
  'guidanceScale',
  'sampler',
  'spacing',
  ...MICRO_KEYS,
  'width',
  'height',
  'batchSize',
  'batchCount',
  'previewKind',
  'previewEvery',
  'modelId',
];

function isForm(v: unknown): v is ParamsForm {
  if (typeof v !== 'object' || v === null) return false;
  const form = v as Record<string, unknown>;
  return FORM_KEYS.every((k) => typeof form[k] === 'string' && form[k].length <= 10_000);
}
