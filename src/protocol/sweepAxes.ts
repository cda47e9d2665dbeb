// The run fields a sweep axis can vary: how each value is checked, applied to a run spec and
// labelled in the grid. Pure (host and webviews alike); files named by values are read by the host.
import { clip } from '../core/clip';
import { samplerChoice } from './samplerChoice';
import type { RunSpec } from './run';
import { SIGMA_SCHEDULES, SPACINGS } from './workbench';

export type AxisValue = string | number | Record<string, unknown>;

export interface AxisFieldSpec {
  /** The grid's label for the axis. */
  label: string;
  /** What the values are, for messages and the JSON schema's descriptions. */
  doc: string;
  /** Why a value cannot be used, or undefined. Range checks come from checkRunSpec on the cell. */
  check(value: unknown): string | undefined;
  /** The spec with this value applied; `values` is the whole axis (Prompt S/R searches for its first). */
  apply(spec: RunSpec, value: AxisValue, values: readonly AxisValue[]): RunSpec;
  /** The spec fields a value sets, so checkRunSpec's problems are reported at the value. */
  sets: readonly (keyof RunSpec)[];
}

const SIZE = /^(\d{1,5})x(\d{1,5})$/;

const isText = (v: unknown) => (typeof v === 'string' ? undefined : `must be text, not ${show(v)}`);
const isNumber = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : `must be a number, not ${show(v)}`;
const isObject = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? undefined
    : `must be an object of scheduler_config keys, not ${show(v)}`;
const oneOf = (names: readonly string[]) => (v: unknown) =>
  typeof v === 'string' && names.includes(v) ? undefined : `must be one of ${names.join(', ')}, not ${show(v)}`;

const withScheduler = (spec: RunSpec, keys: Record<string, unknown>): RunSpec => ({
  ...spec,
  scheduler: { ...spec.scheduler, ...keys },
});
const set =
  (field: keyof RunSpec) =>
  (spec: RunSpec, value: AxisValue): RunSpec => ({ ...spec, [field]: value });

/** A sampler value applied: a diffusers class sets the scheduler's class (and drops any tool sampler),
 * an A1111 or ComfyUI name runs that tool's sampler over the scheduler's training schedule. */
function applySampler(spec: RunSpec, name: string): RunSpec {
  const choice = samplerChoice(name);
  if ('problem' in choice) return spec;
  if (choice.kind === 'tool') return { ...spec, toolSampler: choice.toolSampler };
  const { toolSampler: _tool, ...rest } = spec;
  return withScheduler(rest, choice.scheduler);
}

export const AXIS_FIELDS = {
  sampler: {
    label: 'sampler',
    doc: 'a diffusers class (EulerDiscreteScheduler), an A1111 sampler ("DPM++ 2M Karras") or a ComfyUI sampler_name',
    check: (v) => {
      const choice = isText(v) === undefined ? samplerChoice(v as string) : undefined;
      return isText(v) ?? (choice && 'problem' in choice ? `"${String(v)}": ${choice.problem}` : undefined);
    },
    apply: (spec, v) => applySampler(spec, v as string),
    sets: ['scheduler', 'toolSampler'],
  },
  steps: { label: 'steps', doc: 'sampling steps', check: isNumber, apply: set('steps'), sets: ['steps'] },
  guidanceScale: {
    label: 'CFG',
    doc: 'classifier-free guidance scale',
    check: isNumber,
    apply: set('guidanceScale'),
    sets: ['guidanceScale'],
  },
  guidanceRescale: {
    label: 'rescale',
    doc: 'guidance rescale φ',
    check: isNumber,
    apply: set('guidanceRescale'),
    sets: ['guidanceRescale'],
  },
  seed: {
    label: 'seed',
    doc: 'seeds: a list, or { "from": s, "count": n }',
    check: isNumber,
    apply: set('seed'),
    sets: ['seed'],
  },
  subseed: {
    label: 'var. seed',
    doc: "A1111's variation seeds",
    check: isNumber,
    apply: set('subseed'),
    sets: ['subseed'],
  },
  subseedStrength: {
    label: 'var. strength',
    doc: "A1111's variation strength, 0 to 1",
    check: isNumber,
    apply: set('subseedStrength'),
    sets: ['subseedStrength'],
  },
  initImage: {
    label: 'init image',
    doc: 'image-to-image starting images (PNG or JPEG), relative to the sweep file',
    check: (v) => isText(v) ?? ((v as string).trim() === '' ? 'must name a file' : undefined),
    apply: set('initImage'),
    sets: ['initImage'],
  },
  strength: {
    label: 'strength',
    doc: 'image-to-image strength, 0 to 1',
    check: isNumber,
    apply: set('strength'),
    sets: ['strength'],
  },
  scheduler: {
    label: 'scheduler',
    doc: "scheduler_config keys over the base run's",
    check: isObject,
    apply: (spec, v) => withScheduler(spec, v as Record<string, unknown>),
    sets: ['scheduler'],
  },
  scheduleFile: {
    label: 'schedule',
    doc:
      'a scheduler_config.json or a *.schedule.json ("file.schedule.json#name" picks one of its schedules), ' +
      'relative to the sweep file',
    check: (v) => isText(v) ?? ((v as string).trim() === '' ? 'must name a file' : undefined),
    // The host reads the file and applies it (src/runs/sweepFiles.ts).
    apply: (spec) => spec,
    sets: ['scheduler', 'timesteps', 'sigmas'],
  },
  spacing: {
    label: 'spacing',
    doc: "timestep_spacing: default (the model's), leading, trailing or linspace",
    check: oneOf(SPACINGS),
    apply: (spec, v) => (v === 'default' ? spec : withScheduler(spec, { timestep_spacing: v })),
    sets: ['scheduler'],
  },
  sigmaSchedule: {
    label: 'sigmas',
    doc: 'σ schedule: default, karras, exponential or beta',
    check: oneOf(SIGMA_SCHEDULES),
    // Each choice turns the others off: the model's own config may have one on.
    apply: (spec, v) =>
      withScheduler(spec, Object.fromEntries(SIGMA_SCHEDULES.slice(1).map((s) => [`use_${s}_sigmas`, s === v]))),
    sets: ['scheduler'],
  },
  promptSR: {
    label: 'prompt S/R',
    doc:
      "A1111's Prompt S/R: the first value is searched for; " +
      'each value replaces it in the prompt and negative prompt',
    check: isText,
    // As A1111's xyz_grid.py apply_prompt: str.replace of every occurrence, in both prompts.
    apply: (spec, v, values) => ({
      ...spec,
      prompt: spec.prompt.split(values[0] as string).join(v as string),
      negativePrompt: spec.negativePrompt.split(values[0] as string).join(v as string),
    }),
    sets: ['prompt', 'negativePrompt'],
  },
  negativePrompt: {
    label: 'negative',
    doc: 'negative prompt',
    check: isText,
    apply: set('negativePrompt'),
    sets: ['negativePrompt'],
  },
  modelDir: {
    label: 'model',
    doc: 'a model folder, relative to the sweep file',
    check: (v) => isText(v) ?? ((v as string).trim() === '' ? 'must name a folder' : undefined),
    apply: set('modelDir'),
    sets: ['modelDir'],
  },
  width: { label: 'width', doc: 'width in pixels', check: isNumber, apply: set('width'), sets: ['width'] },
  height: { label: 'height', doc: 'height in pixels', check: isNumber, apply: set('height'), sets: ['height'] },
  size: {
    label: 'size',
    doc: 'width and height as "WxH", e.g. "512x768"',
    check: (v) => isText(v) ?? (SIZE.test(v as string) ? undefined : `must be "WxH" such as "512x768", not ${show(v)}`),
    apply: (spec, v) => {
      const [, w, h] = SIZE.exec(v as string)!;
      return { ...spec, width: Number(w), height: Number(h) };
    },
    sets: ['width', 'height'],
  },
} satisfies Record<string, AxisFieldSpec>;

export type AxisField = keyof typeof AXIS_FIELDS;
export const AXIS_FIELD_NAMES = Object.keys(AXIS_FIELDS) as AxisField[];

/** A value as the grid and messages show it. */
export function valueLabel(value: AxisValue): string {
  if (typeof value !== 'object') return String(value);
  return Object.entries(value)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** A value as messages echo it, cut to `ECHO_MAX` characters: a value nested thousands deep, or a long
 * prompt, would otherwise make one message of many kilobytes. */
export function show(v: unknown): string {
  return clip(JSON.stringify(v) ?? String(v));
}
