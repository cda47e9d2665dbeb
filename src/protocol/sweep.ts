// A sweep file (`*.sweep.json`): one base run and up to three axes, each varying one run field, so
// an experiment is a document that is checked as it is typed, re-run from its cache, and sharded.
// Pure (no Node APIs): the host, the CLI and a webview all read sweeps with it.
import { LRUCache } from 'lru-cache';
import type { Finding } from '../core/config/findings';
import { createScheduler } from '../core/samplers/registry';
import type { SetTimestepsOptions } from '../core/samplers/scheduler';
import { explicitScheduleProblem } from '../core/samplers/explicitSchedule';
import { scheduleAsked, scheduleRefusal } from '../core/samplers/scheduleRefusal';
import { checkRunSpec, RANDOM_SEED, runSpec, runSchedulerKeys, specSteps, type RunSpec, type SpecProblem } from './run';
import { clip } from '../core/clip';
import { fitProblems, type ModelFit } from './modelFit';
import type { ScheduleEntry } from './schedule';
import { AXIS_FIELD_NAMES, AXIS_FIELDS, show, type AxisField, type AxisFieldSpec, type AxisValue } from './sweepAxes';
import { cellCount, expandCells, placeValue, withSchedule, type Cell, type Placed } from './sweepCells';
import { SCHEDULER_CLASSES } from '../core/config/schedulerClasses';

export const SWEEP_VERSION = 1;
export const AXIS_NAMES = ['x', 'y', 'z'] as const;
export type AxisName = (typeof AXIS_NAMES)[number];

/** Levels of objects and lists a sweep file may nest: an axis of scheduler configs with betas needs 5; the
 * readers walk a value recursively, which overflows the stack at a few thousand. */
export const MAX_SWEEP_NESTING = 16;

/** Above this many cells a sweep asks before it runs (the `diffusionLab.sweepCellLimit` setting). */
export const DEFAULT_CELL_LIMIT = 10_000;
/** Most values a seed range may name: beyond that no grid is readable. */
export const MAX_SEED_RANGE = 100_000;

export interface SweepAxis {
  field: AxisField;
  /** The values, a seed range written out. */
  values: AxisValue[];
}

export interface Sweep {
  version: typeof SWEEP_VERSION;
  description?: string;
  /** modelDir as written: relative to the sweep file (the host resolves it). Seed fixed, batch 1. */
  base: RunSpec;
  axes: Partial<Record<AxisName, SweepAxis>>;
}

export interface SweepReading {
  /** Present when no finding is an error. */
  sweep?: Sweep;
  findings: Finding[];
}

const ROOT_KEYS = ['$schema', 'version', 'description', 'base', ...AXIS_NAMES];
/** Every RunSpec field, so a new one fails to compile here until the sweep reader knows of it. */
const BASE_FIELDS: Record<keyof RunSpec, true> = {
  modelDir: true,
  prompt: true,
  negativePrompt: true,
  seed: true,
  subseed: true,
  subseedStrength: true,
  etaNoiseSeedDelta: true,
  steps: true,
  guidanceScale: true,
  guidanceRescale: true,
  eta: true,
  width: true,
  height: true,
  batchSize: true,
  scheduler: true,
  timesteps: true,
  sigmas: true,
  originalSize: true,
  cropTopLeft: true,
  targetSize: true,
  initImage: true,
  strength: true,
  mask: true,
  maskBlur: true,
  maskedContent: true,
  inpaintArea: true,
  maskPadding: true,
  growMaskBy: true,
  inpaintNode: true,
  invert: true,
  toolSampler: true,
  noise: true,
  refiner: true,
  refinerSwitchAt: true,
};
const BASE_KEYS = Object.keys(BASE_FIELDS);

type Path = (string | number)[];

/** The fields an object at `path` of a sweep file may have (for checks and "did you mean"). */
export function fieldsAt(path: readonly (string | number)[]): readonly string[] {
  if (path.length === 0) return ROOT_KEYS;
  if (path.length === 1) return path[0] === 'base' ? BASE_KEYS : ['field', 'values'];
  return path.length === 2 && path[1] === 'values' ? ['from', 'count'] : [];
}

/** The files a sweep names, as the host reads them (paths as written, relative to the sweep file). */
export interface SweepFiles {
  /** What a model folder decides about a run (src/protocol/modelFit.ts), or why it cannot run. */
  model: (modelDir: string) => ModelFit | string;
  /** Why a file cannot be used, or undefined: a schedule file (`file.json`, `file.schedule.json#name`), or an
   * input image the run could not read (missing, empty, not a PNG or JPEG, cut short, too large). */
  problem: (kind: FileField, ref: string) => string | undefined;
  /** What a usable file holds, where the host reads it: a schedule file's schedule, to check its keys over
   * the model's; an input image's size as its header declares it, to check a mask against its init image. */
  schedule?: (ref: string) => ScheduleEntry | undefined;
  imageSize?: (ref: string) => { width: number; height: number } | undefined;
}

export type FileField = 'scheduleFile' | 'initImage' | 'mask';

/** A spec built from axis values, with the schedule file the host applies to it after every axis. */
type SpecCheck = (placed: Placed) => SpecProblem[];

/** Reads a parsed sweep file: every problem as a finding at its JSON path; with `files`, what the files it
 * names refuse too (the host's reading: the webview and pure tests go without). */
export function parseSweep(json: unknown, options: { cellLimit?: number; files?: SweepFiles } = {}): SweepReading {
  const found: Finding[] = [];
  const sweep = readSweep(json, options, found);
  const findings = summarised(found).map((f) => ({ ...f, message: clip(f.message, MESSAGE_MAX) }));
  return sweep && !findings.some((f) => f.severity === 'error') ? { sweep, findings } : { findings };
}

/** The sweep, with every finding pushed to `findings`; undefined where there is no base to build it on. */
function readSweep(
  json: unknown,
  options: { cellLimit?: number; files?: SweepFiles },
  findings: Finding[],
): Sweep | undefined {
  const error = (path: Path, code: string, message: string) =>
    findings.push({ severity: 'error', path, code, message });
  if (!isObject(json)) return void error([], 'not-an-object', `A sweep must be a JSON object, not ${show(json)}`);
  unknownKeys(json, fieldsAt([]), [], error);
  if (json.version !== SWEEP_VERSION) {
    error(
      ['version'],
      'bad-version',
      `"version" must be ${SWEEP_VERSION} (the sweep format this Diffusion Lab reads), not ${show(json.version)}`,
    );
  }
  if (json.description !== undefined && typeof json.description !== 'string')
    error(['description'], 'bad-value', 'description must be text');
  const axes: Partial<Record<AxisName, SweepAxis>> = {};
  for (const name of AXIS_NAMES) {
    const axis = json[name] === undefined ? undefined : readAxis(json[name], [name], error);
    if (axis) axes[name] = axis;
  }
  sameFieldTwice(axes, error);
  const { files } = options;
  const schedulers = schedulerReader();
  const check = specCheck(files, schedulers);
  const base = readBase(json.base, axes, check, error);
  // A cell's key and folder resolution cover one model folder; a second one would share keys across refiners.
  if (base?.refiner !== undefined) error(['base', 'refiner'], 'unsupported', 'a sweep does not run a refiner yet');
  if (!base) return undefined;
  checkValues(base, axes, check, findings);
  if (files) {
    scheduleFiles(axes, files, findings);
    maskSizes(base, axes, files, findings);
    schedulerWarnings(base, axes, files, schedulers, findings);
  }
  const sweep: Sweep = {
    version: SWEEP_VERSION,
    ...(typeof json.description === 'string' && { description: json.description }),
    base,
    axes,
  };
  // The grid's own checks run beside the others' errors, so that one edit does not uncover the next.
  findings.push(...checkCells(sweep, options.cellLimit ?? DEFAULT_CELL_LIMIT, check, findings));
  return sweep;
}

/** Longest message: the sweep's own cut the values they echo (`show`), checkRunSpec echoes a base value whole. */
const MESSAGE_MAX = 1000;

/** Values of one axis shown with one problem before the rest of them are counted. */
const SHOWN_PER_PROBLEM = 5;

/** Findings at values of one axis that repeat one problem (the same words but for numbers and quoted text)
 * cut to the first few and a count of the rest: a seed range past the largest seed is otherwise a line for
 * each of 100,000 seeds. */
function summarised(findings: readonly Finding[]): Finding[] {
  const problemOf = (f: Finding) => {
    const [axis, values] = f.path;
    if (values !== 'values' || f.path.length < 3) return undefined;
    const words = f.message.replace(/"(?:[^"\\]|\\.)*"|\d+(?:\.\d+)?(?:e[+-]?\d+)?/g, '#');
    return JSON.stringify([axis, f.severity, f.code, words]);
  };
  const counts = new Map<string, number>();
  for (const f of findings) {
    const problem = problemOf(f);
    if (problem) counts.set(problem, (counts.get(problem) ?? 0) + 1);
  }
  const shown = new Map<string, number>();
  return findings.flatMap((f) => {
    const problem = problemOf(f);
    if (!problem) return [f];
    const n = (shown.get(problem) ?? 0) + 1;
    shown.set(problem, n);
    const more = counts.get(problem)! - SHOWN_PER_PROBLEM;
    if (n < SHOWN_PER_PROBLEM || (n === SHOWN_PER_PROBLEM && more === 0)) return [f];
    if (n > SHOWN_PER_PROBLEM) return [];
    const axis = f.path[0];
    const values = more === 1 ? 'value' : 'values';
    const message = `…and ${more.toLocaleString('en-US')} more ${values} of ${axis} with the same problem`;
    return [f, { severity: f.severity, path: [axis, 'values'], code: 'same-problem', message }];
  });
}

/** The sweep as a file holds it (seed ranges written out): `parseSweep` reads it back to an equal sweep. */
export function sweepToJson(sweep: Sweep): Record<string, unknown> {
  return {
    version: sweep.version,
    ...(sweep.description !== undefined && { description: sweep.description }),
    base: sweep.base,
    ...sweep.axes,
  };
}

type Report = (path: Path, code: string, message: string) => void;

function readAxis(raw: unknown, path: Path, error: Report): SweepAxis | undefined {
  if (!isObject(raw))
    return void error(path, 'bad-axis', `axis ${path[0]} must be an object { "field": …, "values": […] }`);
  unknownKeys(raw, fieldsAt(path), path, error);
  const field = raw.field as AxisField;
  if (typeof field !== 'string' || !Object.hasOwn(AXIS_FIELDS, field)) {
    return void error(
      [...path, 'field'],
      'unknown-field',
      `"field" must be one of ${AXIS_FIELD_NAMES.join(', ')}, not ${show(raw.field)}`,
    );
  }
  const range = field === 'seed' && isObject(raw.values);
  const values = range ? seedRange(raw.values as Record<string, unknown>, [...path, 'values'], error) : raw.values;
  if (range && !values) return undefined;
  if (!Array.isArray(values))
    return void error([...path, 'values'], 'bad-axis', `"values" must be a list of ${AXIS_FIELDS[field].doc}`);
  if (values.length === 0)
    return void error([...path, 'values'], 'empty-axis', `axis ${path[0]} has no values: give at least one ${field}`);
  let ok = true;
  values.forEach((v, i) => {
    const problem = AXIS_FIELDS[field].check(v);
    if (problem) error([...path, 'values', i], 'bad-value', `${field} ${problem}`);
    ok &&= !problem;
  });
  return ok ? { field, values: values as AxisValue[] } : undefined;
}

function seedRange(raw: Record<string, unknown>, path: Path, error: Report): number[] | undefined {
  unknownKeys(raw, fieldsAt(path), path, error);
  const { from, count } = raw;
  if (typeof from !== 'number' || !Number.isInteger(from))
    return void error([...path, 'from'], 'bad-value', `"from" must be a whole number, not ${show(from)}`);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_SEED_RANGE) {
    return void error(
      [...path, 'count'],
      'bad-value',
      `"count" must be a whole number from 1 to ${MAX_SEED_RANGE}, not ${show(count)}`,
    );
  }
  return Array.from({ length: count }, (_, i) => from + i);
}

/** Two axes over one run field: a cell runs the later axis's value and the grid labels it with both (a size
 * axis and a width axis). Scheduler keys merge instead, so a sampler axis crossed with a σ schedule axis is fine. */
function sameFieldTwice(axes: Partial<Record<AxisName, SweepAxis>>, error: Report): void {
  const sets = (field: AxisField) => (AXIS_FIELDS[field] as AxisFieldSpec).sets.filter((f) => f !== 'scheduler');
  AXIS_NAMES.forEach((name, i) => {
    const field = axes[name]?.field;
    if (!field) return;
    for (const first of AXIS_NAMES.slice(0, i)) {
      const other = axes[first]?.field;
      const shared = other && sets(other).find((f) => sets(field).includes(f));
      if (other === field) {
        const message = `axes ${first} and ${name} both vary ${field}: put all its values on one axis`;
        return void error([name, 'field'], 'duplicate-field', message);
      }
      if (shared) {
        const message = `axes ${first} (${other}) and ${name} (${field}) both set ${shared}: vary it on one axis`;
        return void error([name, 'field'], 'duplicate-field', message);
      }
    }
  });
}

/** The spec fields the scheduler is built and scheduled from: once checkRunSpec refuses one, it is not built. */
const SCHEDULE_FIELDS: readonly (keyof RunSpec)[] = ['scheduler', 'timesteps', 'sigmas', 'steps'];

/** checkRunSpec, then its input images, what its model refuses and what its scheduler refuses (its other
 * fields first), on the spec with its schedule file applied. */
function specCheck(files: SweepFiles | undefined, schedulers: SchedulerReader): SpecCheck {
  return (placed) => {
    const applied = scheduled(files, placed);
    const spec = applied ?? placed.spec;
    const problems = checkRunSpec(spec);
    if (!files) return problems;
    const said = new Set(problems.map((p) => p.field));
    for (const field of ['initImage', 'mask'] as const) {
      const path = spec[field];
      const problem = path !== undefined && !said.has(field) ? files.problem(field, path) : undefined;
      if (!problem) continue;
      problems.push({ field, message: problem });
      said.add(field);
    }
    if (said.has('modelDir')) return problems;
    const model = files.model(spec.modelDir);
    if (typeof model === 'string') return [...problems, { field: 'modelDir', message: model }];
    problems.push(...fitProblems(spec, model).filter((p) => !said.has(p.field)));
    return applied && readsScheduler(spec, said) ? [...problems, ...schedulers(spec, model).problems] : problems;
  };
}

/** Whether the scheduler is read for a spec: not where checkRunSpec refused a field it is built from, and
 * only for what the sweep brings (keys, explicit steps, an inversion); the model's own config is its folder's. */
function readsScheduler(spec: RunSpec, refused: ReadonlySet<keyof RunSpec>): boolean {
  const own = spec.scheduler !== undefined || spec.timesteps !== undefined || spec.sigmas !== undefined || spec.invert;
  return !!own && !SCHEDULE_FIELDS.some((f) => refused.has(f));
}

/** The spec as the host runs it, its schedule file applied; undefined where that file is not read (missing,
 * broken: said at its value). */
function scheduled(files: SweepFiles | undefined, { spec, scheduleFile }: Placed): RunSpec | undefined {
  if (!files || scheduleFile === undefined) return spec;
  const entry = files.schedule?.(scheduleFile);
  return entry && withSchedule(spec, entry);
}

interface SchedulerReading {
  /** What the engine refuses: a config it cannot build, a schedule the scheduler cannot take. */
  problems: SpecProblem[];
  /** The config's warnings (a misspelt key), each at the key it is about. */
  warnings: Finding[];
}

type SchedulerReader = (spec: RunSpec, model: ModelFit) => SchedulerReading;

/** The engine's reading of scheduler keys: each scheduler built once per sweep reading, and scheduled once
 * per distinct schedule (a sweep's cells share a few of each). */
function schedulerReader(): SchedulerReader {
  const builds = new Map<string, Built>();
  return (spec, model) => {
    const overrides = runSchedulerKeys(spec);
    const config = JSON.stringify([modelSchedulerText(model), overrides]);
    const plan = schedulePlan(spec);
    const key = JSON.stringify([config, plan]);
    const known = READINGS.get(key);
    if (known) return known;
    let built = builds.get(config);
    if (!built) builds.set(config, (built = createScheduler(model.scheduler, overrides)));
    const reading = readScheduler(built, plan);
    READINGS.set(key, reading);
    return reading;
  };
}

/** Scheduler readings kept across readings of a sweep (one each pause in typing): each is a pure function of
 * the model's scheduler config, the spec's keys and the schedule asked for, and a sampler axis crossed with a
 * steps axis asks for a thousand (165 ms to schedule afresh, against 12 ms for the rest of the checks). */
const READINGS = new LRUCache<string, SchedulerReading>({ max: 20_000 });
const schedulerTexts = new WeakMap<ModelFit, string>();

function modelSchedulerText(model: ModelFit): string {
  let text = schedulerTexts.get(model);
  if (text === undefined) schedulerTexts.set(model, (text = JSON.stringify(model.scheduler)));
  return text;
}

type Built = ReturnType<typeof createScheduler>;
/** What the engine schedules a run with: explicit timesteps or σ, checked against the training schedule
 * for any sampler; and steps, which only a text-to-image run on a diffusers scheduler schedules here (an
 * image run schedules from its strength, a tool sampler makes its own σ). */
type SchedulePlan = { steps?: number; custom?: SetTimestepsOptions };

function schedulePlan(spec: RunSpec): SchedulePlan {
  const custom = spec.timesteps ? { timesteps: spec.timesteps } : spec.sigmas && { sigmas: spec.sigmas };
  const steps = specSteps(spec);
  const scheduled = spec.initImage === undefined && !spec.toolSampler && steps !== undefined;
  return { ...(scheduled && { steps }), ...(custom && { custom }) };
}

function readScheduler({ scheduler, findings }: Built, { steps, custom }: SchedulePlan): SchedulerReading {
  const warnings = findings.filter((f) => f.severity === 'warning');
  if (!scheduler) {
    const why = findings.filter((f) => f.severity === 'error').map((f) => f.message);
    return { problems: [{ field: 'scheduler', message: `cannot build the scheduler: ${why.join('; ')}` }], warnings };
  }
  const explicit = custom && explicitScheduleProblem(custom, scheduler.alphasCumprod);
  if (explicit) return { problems: [explicit], warnings };
  if (steps === undefined) return { problems: [], warnings };
  try {
    scheduler.setTimesteps(steps, custom);
    return { problems: [], warnings };
  } catch (err) {
    const message = scheduleRefusal(scheduler.className, scheduleAsked(steps, custom), err);
    return { problems: [{ field: custom ? 'scheduler' : 'steps', message }], warnings };
  }
}

/** A schedule file a value names that is missing or broken, at the value. */
function scheduleFiles(axes: Partial<Record<AxisName, SweepAxis>>, files: SweepFiles, findings: Finding[]): void {
  for (const name of AXIS_NAMES) {
    const axis = axes[name];
    if (axis?.field !== 'scheduleFile') continue;
    axis.values.forEach((value, i) => {
      const message = files.problem('scheduleFile', value as string);
      if (message) findings.push({ severity: 'error', path: [name, 'values', i], code: 'bad-file', message });
    });
  }
}

/** A mask whose size differs from the init image's, at the init image's value or at the base's mask (the
 * run refuses it once it has read both). */
function maskSizes(
  base: RunSpec,
  axes: Partial<Record<AxisName, SweepAxis>>,
  files: SweepFiles,
  findings: Finding[],
): void {
  const mask = base.mask === undefined ? undefined : files.imageSize?.(base.mask);
  if (!mask) return;
  const name = AXIS_NAMES.find((n) => axes[n]?.field === 'initImage');
  const images: [AxisValue | undefined, Path][] = name
    ? axes[name]!.values.map((v, i) => [v, [name, 'values', i]])
    : [[base.initImage, ['base', 'mask']]];
  for (const [ref, path] of images) {
    const image = ref === undefined ? undefined : files.imageSize!(ref as string);
    if (!image || (image.width === mask.width && image.height === mask.height)) continue;
    const sizes = `${mask.width}x${mask.height} but the init image ${show(ref)} is ${image.width}x${image.height}`;
    const message = `mask ${show(base.mask)} is ${sizes}; they must be the same size`;
    findings.push({ severity: 'error', path, code: 'engine-refuses', message });
  }
}

/** The scheduler config's warnings (a misspelt key) about keys the base, an inline value or a schedule file
 * writes, at what writes them, with the other axes' first values in place: the engine would say them only
 * once the cell ran. */
function schedulerWarnings(
  base: RunSpec,
  axes: Partial<Record<AxisName, SweepAxis>>,
  files: SweepFiles,
  schedulers: SchedulerReader,
  findings: Finding[],
): void {
  const warn = (placed: Placed, keys: readonly string[], path: Path) => {
    if (keys.length === 0) return;
    const spec = scheduled(files, placed);
    if (!spec || !readsScheduler(spec, new Set(checkRunSpec(spec).map((p) => p.field)))) return;
    const model = files.model(spec.modelDir);
    if (typeof model === 'string') return;
    for (const f of schedulers(spec, model).warnings.filter((w) => keys.includes(String(w.path[0])))) {
      findings.push({ severity: 'warning', path, code: f.code, message: f.message });
    }
  };
  warn(withFirstValues(base, axes), Object.keys(base.scheduler ?? {}), ['base', 'scheduler']);
  for (const name of AXIS_NAMES) {
    const axis = axes[name];
    if (axis?.field !== 'scheduler' && axis?.field !== 'scheduleFile') continue;
    const context = withFirstValues(base, axes, [name]);
    axis.values.forEach((value, i) => {
      const path = [name, 'values', i];
      if (axis.field === 'scheduler') {
        const spec = AXIS_FIELDS.scheduler.apply(context.spec, value);
        return warn({ ...context, spec }, Object.keys(value), path);
      }
      const entry = files.schedule?.(value as string);
      if (entry) warn({ ...context, scheduleFile: value as string }, Object.keys(entry.config), path);
    });
  }
}

function readBase(
  raw: unknown,
  axes: Partial<Record<AxisName, SweepAxis>>,
  check: SpecCheck,
  error: Report,
): RunSpec | undefined {
  if (!isObject(raw))
    return void error(
      ['base'],
      'missing-base',
      '"base" must be the base run: { "modelDir": …, "prompt": …, "seed": … }',
    );
  unknownKeys(raw, fieldsAt(['base']), ['base'], error);
  const varies = (field: AxisField) => AXIS_NAMES.some((n) => axes[n]?.field === field);
  if (raw.modelDir === undefined && !varies('modelDir'))
    error(['base'], 'missing-model', 'base needs "modelDir": the model folder, relative to this file');
  if (raw.seed === undefined && !varies('seed'))
    error(
      ['base'],
      'missing-seed',
      'base needs a "seed" (or an axis over seeds): cells are cached and sharded by their seed',
    );
  if (raw.subseed === RANDOM_SEED) {
    error(
      ['base', 'subseed'],
      'random-seed',
      `subseed ${RANDOM_SEED} (random) cannot be cached or sharded: give a fixed one`,
    );
  }
  if (raw.seed === RANDOM_SEED)
    error(
      ['base', 'seed'],
      'random-seed',
      `seed ${RANDOM_SEED} (random) cannot be cached or sharded: give a fixed seed`,
    );
  if (raw.batchSize !== undefined && raw.batchSize !== 1)
    error(['base', 'batchSize'], 'batch', 'a cell is one image: vary the seed on an axis instead of a batch');
  const spec = runSpec({ modelDir: '', prompt: '', ...raw });
  // Checked with each axis's first value in place (a strength needs the init image an axis gives). A field
  // an axis sets is checked at its values, unless the axis builds on the base's and the problem stays with
  // those axes left out (a base scheduler key that a σ schedule axis's keys merge with).
  const setting = (field: keyof RunSpec) =>
    AXIS_NAMES.filter((n) => axes[n] && (AXIS_FIELDS[axes[n].field] as AxisFieldSpec).sets.includes(field));
  const random = (['seed', 'subseed'] as const).filter((f) => raw[f] === RANDOM_SEED);
  for (const p of check(withFirstValues(spec, axes))) {
    const names = setting(p.field);
    const stays = () => check(withFirstValues(spec, axes, names)).some((q) => q.message === p.message);
    const bases = names.length === 0 || (BUILT_ON.includes(p.field) && stays());
    if (bases && !random.includes(p.field as 'seed')) error(['base', p.field], 'engine-refuses', `base ${p.message}`);
  }
  return spec;
}

/** Fields whose base value an axis builds on (scheduler keys merge, Prompt S/R replaces words in the
 * prompts); an axis over any other field replaces the base's value, so a problem there is its value's. */
const BUILT_ON: readonly (keyof RunSpec)[] = ['scheduler', 'prompt', 'negativePrompt'];

/** The base with the first value of every axis but those in `except` applied. */
function withFirstValues(
  base: RunSpec,
  axes: Partial<Record<AxisName, SweepAxis>>,
  except: readonly AxisName[] = [],
): Placed {
  return AXIS_NAMES.reduce<Placed>(
    (placed, name) => {
      const axis = axes[name];
      return !axis || except.includes(name) ? placed : placeValue(placed, axis, axis.values[0]);
    },
    { spec: base },
  );
}

/** Each axis value on the base with the other axes' first values: the engine's refusals reported at
 * the value that causes them. */
function checkValues(
  base: RunSpec,
  axes: Partial<Record<AxisName, SweepAxis>>,
  check: SpecCheck,
  findings: Finding[],
): void {
  for (const name of AXIS_NAMES) {
    const axis = axes[name];
    if (!axis) continue;
    const spec: AxisFieldSpec = AXIS_FIELDS[axis.field];
    const context = withFirstValues(base, axes, [name]);
    // A problem the context has too in a field built on the base's value is the base's (readBase says it).
    const contextProblems = new Set(check(context).map((p) => p.message));
    const own = (p: SpecProblem) =>
      spec.sets.includes(p.field) && !(BUILT_ON.includes(p.field) && contextProblems.has(p.message));
    axis.values.forEach((value, i) => {
      const problems = check(placeValue(context, axis, value));
      for (const p of problems.filter(own)) {
        findings.push({ severity: 'error', path: [name, 'values', i], code: 'engine-refuses', message: p.message });
      }
    });
    const seen = new Set<string>();
    axis.values.forEach((value, i) => {
      const key = JSON.stringify(value);
      if (seen.has(key))
        findings.push({
          severity: 'warning',
          path: [name, 'values', i],
          code: 'duplicate-value',
          message: `${show(value)} is already on axis ${name}`,
        });
      seen.add(key);
    });
    if (axis.field === 'promptSR') searchFound(base, axis.values[0] as string, name, findings);
  }
}

/** A1111 refuses a Prompt S/R whose search text is in neither prompt; so does a sweep. */
function searchFound(base: RunSpec, search: string, name: AxisName, findings: Finding[]): void {
  if (search !== '' && (base.prompt.includes(search) || base.negativePrompt.includes(search))) return;
  const message =
    `Prompt S/R searches for its first value, ${show(search)}, ` +
    'and the base prompt and negative prompt do not contain it';
  findings.push({ severity: 'error', path: [name, 'values', 0], code: 'search-not-found', message });
}

/** Each value was checked against the other axes' first values. What is left for the whole grid: its
 * size, scheduler keys a cell's class does not have (a sampler axis crossed with a σ schedule or spacing
 * axis), which the engine would ignore, and combinations the engine refuses that no first value shows (a
 * tool sampler's fewest steps against a steps axis). */
function checkCells(sweep: Sweep, cellLimit: number, check: SpecCheck, reported: readonly Finding[]): Finding[] {
  const count = cellCount(sweep);
  if (count > cellLimit) {
    return [
      {
        severity: 'warning',
        path: [],
        code: 'many-cells',
        message: `${count} cells, more than the limit of ${cellLimit}: running asks first`,
      },
    ];
  }
  // Keyed so that a finding shows once per axis value (an ignored key: once per class there, the last
  // cell's; a refusal: the first cell's, the one with the fewest other axes moved).
  const findings = new Map<string, Finding>();
  // With every axis at its first value, readBase and checkValues have said what the engine refuses.
  const baseline = new Set(check(withFirstValues(sweep.base, sweep.axes)).map((p) => p.message));
  // checkValues's refusal of a value, found again in the other cells with it.
  const said = new Set(reported.map((f) => `${f.path.join('.')}:${f.message}`));
  // A seed combines with nothing the engine refuses: cells that differ only in their seed are checked once.
  const checked = new Set<string>();
  const unseeded = (cell: Cell) =>
    JSON.stringify(AXIS_NAMES.map((n) => (sweep.axes[n]?.field === 'seed' ? null : (cell.at[n] ?? null))));
  for (const cell of expandCells(sweep)) {
    for (const [key, f] of ignoredKeys(sweep, cell)) findings.set(`${f.path.join('.')}:${key}`, f);
    const combination = unseeded(cell);
    if (checked.has(combination)) continue;
    checked.add(combination);
    for (const [key, f] of refusedCombination(sweep, cell, check(cell), baseline)) {
      const at = `${f.path.join('.')}:${key}`;
      if (!findings.has(at) && !said.has(at)) findings.set(at, f);
    }
  }
  return [...findings.values()];
}

/** Keys a σ schedule or spacing axis sets that the cell's scheduler class does not have, keyed by class. */
function ignoredKeys(sweep: Sweep, cell: Cell): [string, Finding][] {
  const scheduler = cell.spec.scheduler ?? {};
  const className = scheduler._class_name as string;
  const own = Object.hasOwn(SCHEDULER_CLASSES, className) ? SCHEDULER_CLASSES[className].keys : undefined;
  if (!own) return [];
  const findings: [string, Finding][] = [];
  for (const name of AXIS_NAMES) {
    const axis = sweep.axes[name];
    if (!axis || (axis.field !== 'sigmaSchedule' && axis.field !== 'spacing')) continue;
    const field: AxisFieldSpec = AXIS_FIELDS[axis.field];
    const key = Object.keys(field.apply(sweep.base, cell.values[name]!, axis.values).scheduler ?? {}).find(
      (k) => scheduler[k] !== false && !(k in own),
    );
    if (!key) continue;
    const path = [name, 'values', cell.at[name]!];
    const message = `${className} has no ${key}: cells with it (cell ${cell.index} and others) ignore this value`;
    findings.push([className, { severity: 'warning', path, code: 'ignored-key', message }]);
  }
  return findings;
}

/** What the engine (or the cell's model) would refuse in this cell and not with every axis at its first
 * value (the `baseline` messages): at the value of the axis that sets the field (else of the model axis),
 * naming the other axes off their first values; otherwise at the top, naming the cell (the first cell with
 * it is kept). Keyed by the refusal's own words. */
function refusedCombination(
  sweep: Sweep,
  cell: Cell,
  problems: SpecProblem[],
  baseline: ReadonlySet<string>,
): [string, Finding][] {
  const named = (names: AxisName[]) => names.map((n) => `${n} = ${show(cell.values[n])}`).join(', ');
  const setting = (field: keyof RunSpec) =>
    AXIS_NAMES.find((n) => {
      const axis = sweep.axes[n];
      return axis !== undefined && (AXIS_FIELDS[axis.field] as AxisFieldSpec).sets.includes(field);
    });
  // A refusal of a field no axis sets, in a cell off the first model folder, is that model's.
  const model = AXIS_NAMES.find((n) => sweep.axes[n]?.field === 'modelDir' && (cell.at[n] ?? 0) > 0);
  return problems
    .filter((p) => !baseline.has(p.message))
    .map((p) => {
      const name = setting(p.field) ?? model;
      if (!name) {
        const all = AXIS_NAMES.filter((n) => cell.values[n] !== undefined);
        const message = `cell ${cell.index} (${named(all)}), and any others like it: ${p.message}`;
        return [p.message, { severity: 'error', path: [], code: 'engine-refuses', message }];
      }
      const moved = AXIS_NAMES.filter((n) => n !== name && (cell.at[n] ?? 0) > 0);
      const message = moved.length ? `with ${named(moved)}: ${p.message}` : p.message;
      return [
        p.message,
        { severity: 'error', path: [name, 'values', cell.at[name]!], code: 'engine-refuses', message },
      ];
    });
}

function unknownKeys(obj: Record<string, unknown>, known: readonly string[], path: Path, error: Report): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key))
      error(
        [...path, key],
        'unknown-field',
        `unknown field "${key}"${path.length ? ` in ${path.join('.')}` : ''} (known: ${known.join(', ')})`,
      );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
