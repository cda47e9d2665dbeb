// The files a sweep names, read on the host: the sweep file itself, its model folders (for their
// hash) and schedule files. A cell whose file is missing or broken is an error that names the cell.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { defaultGuidance, readModelFolder } from '../modelFolder/modelFolder';
import { cachedModelHash } from '../modelFolder/hashCache';
import { RUN_LIMITS, type RunSpec } from '../protocol/run';
import {
  parseSweep,
  type AxisName,
  type FileField,
  type Sweep,
  type SweepFiles,
  type SweepReading,
} from '../protocol/sweep';
import type { ScheduleEntry } from '../protocol/schedule';
import { valueLabel } from '../protocol/sweepAxes';
import type { Cell } from '../protocol/sweepCells';
import { modelFitReader } from './modelFitReader';
import { documentKind, readScheduleDocument } from '../documents/scheduleDocument';

/** Sweep and schedule files are a few kilobytes; the cap keeps /dev/zero from exhausting memory. */
const MAX_FILE_BYTES = 4_000_000;

export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

export interface SweepFile extends SweepReading {
  path: string;
  /** Folder that the sweep's relative paths start at. */
  dir: string;
}

export function readSweepFile(path: string, cellLimit?: number): SweepFile {
  const json = readJsonFile(path, 'sweep file');
  const dir = dirname(resolve(path));
  return { path, dir, ...parseSweep(json, { cellLimit, files: sweepFileChecks(dir) }) };
}

/** The sweep's files as its checks read them, relative to `dir` (the sweep file's folder): each once for
 * these checks (they ask once per distinct cell), so a new call reads them again (a schedule file is a few
 * kilobytes, an image only stat'ed; a model folder is read again when its files change). */
export function sweepFileChecks(dir: string): SweepFiles {
  const problems = new Map<string, string | undefined>();
  const problem = (kind: FileField, ref: string) => {
    if (kind !== 'scheduleFile') return imageProblem(resolve(dir, ref));
    try {
      readScheduleRef(dir, ref);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  return {
    model: modelFitReader(dir),
    problem: (kind, ref) => {
      const key = `${kind}:${ref}`;
      if (!problems.has(key)) problems.set(key, problem(kind, ref));
      return problems.get(key);
    },
  };
}

/** What a model folder gives a run: its UNet's hash, and the settings a spec falls back on. */
export interface ModelFacts {
  hash: string;
  scheduler: Record<string, unknown>;
  guidanceScale: number;
}

/** A cell as it runs: model folder resolved, schedule file applied, model read. */
export interface ResolvedCell extends Cell {
  /** The spec the engine gets (absolute modelDir and input image paths). */
  run: RunSpec;
  model: ModelFacts;
  /** SHA-256 of the input images' bytes, by spec field: the key holds content, not paths. */
  inputs: Partial<Record<InputField, string>>;
}

const INPUT_FIELDS = ['initImage', 'mask'] as const;
type InputField = (typeof INPUT_FIELDS)[number];

/** Resolves cells; each model folder is read once, its hash kept in `hashCacheDir` where given (the CLI's
 * cache folder, which its engine reads too: hashing SD 1.5's UNet reads 3.4 GB). Throws a SweepError naming
 * the cell. */
export function resolveCells(sweep: Sweep, dir: string, cells: readonly Cell[], hashCacheDir?: string): ResolvedCell[] {
  const models = new Map<string, ModelFacts>();
  return cells.map((cell) => {
    const where = `cell ${cell.index} (${describeCell(sweep, cell)})`;
    const modelDir = resolve(dir, cell.spec.modelDir);
    let model = models.get(modelDir);
    if (model === undefined) {
      try {
        const folder = readModelFolder(modelDir);
        model = {
          hash: cachedModelHash(folder, hashCacheDir),
          scheduler: folder.schedulerConfig,
          guidanceScale: defaultGuidance(folder),
        };
      } catch (err) {
        throw new SweepError(`${where}: ${(err as Error).message}`);
      }
      models.set(modelDir, model);
    }
    const scheduled =
      cell.scheduleFile === undefined ? cell.spec : withScheduleFile(cell.spec, dir, cell.scheduleFile, where);
    return { ...cell, spec: scheduled, model, ...withInputs({ ...scheduled, modelDir }, dir, where) };
  });
}

/** The run with its input images' paths resolved, and their hashes. */
function withInputs(run: RunSpec, dir: string, where: string): Pick<ResolvedCell, 'run' | 'inputs'> {
  const inputs: ResolvedCell['inputs'] = {};
  const resolved = { ...run };
  for (const field of INPUT_FIELDS) {
    const path = run[field];
    if (path === undefined) continue;
    resolved[field] = resolve(dir, path);
    inputs[field] = hashFile(resolved[field], `${where}: ${field}`);
  }
  return { run: resolved, inputs };
}

/** "x sampler=Euler, y steps=4": a cell's place, for messages and hovers. */
export function describeCell(sweep: Sweep, cell: Cell): string {
  const parts = Object.entries(cell.values).map(
    ([name, v]) => `${name} ${sweep.axes[name as AxisName]!.field}=${valueLabel(v)}`,
  );
  return parts.length ? parts.join(', ') : 'the base run';
}

/** `file.json` (a scheduler_config) or `file.schedule.json#name`: its keys, and its explicit steps. */
function withScheduleFile(spec: RunSpec, dir: string, ref: string, where: string): RunSpec {
  let entry: ScheduleEntry;
  try {
    entry = readScheduleRef(dir, ref);
  } catch (err) {
    throw new SweepError(`${where}: ${(err as Error).message}`);
  }
  const { timesteps: _t, sigmas: _s, ...rest } = spec;
  return {
    ...rest,
    scheduler: { ...spec.scheduler, ...entry.config },
    ...(entry.timesteps && { timesteps: entry.timesteps }),
    ...(entry.sigmas && { sigmas: entry.sigmas }),
  };
}

/** The schedule a reference names, relative to `dir`; throws an Error that says why it cannot be used. */
export function readScheduleRef(dir: string, ref: string): ScheduleEntry {
  const hash = ref.lastIndexOf('#');
  const file = resolve(dir, hash < 0 ? ref : ref.slice(0, hash));
  const wanted = hash < 0 ? undefined : ref.slice(hash + 1);
  let text: string;
  try {
    text = readText(file);
  } catch (err) {
    throw new Error(`schedule file ${(err as Error).message}`, { cause: err });
  }
  const doc = readScheduleDocument(text, documentKind(file) ?? 'config', basename(file));
  const error = doc.error ?? doc.findings.find((f) => f.severity === 'error')?.message;
  if (error) throw new Error(`schedule file ${file}: ${error}`);
  const names = doc.schedules.map((s) => s.name);
  const entry =
    wanted === undefined && doc.schedules.length === 1
      ? doc.schedules[0]
      : doc.schedules.find((s) => s.name === wanted);
  if (!entry) {
    const ask = wanted === undefined ? 'name one as' : `it has no schedule "${wanted}"; give`;
    throw new Error(`schedule file ${file}: ${ask} "${basename(file)}#<name>" (${names.join(', ')})`);
  }
  return entry;
}

/** Why an input image cannot be read, or undefined. */
export function imageProblem(path: string): string | undefined {
  const stat = existsSync(path) ? statSync(path) : undefined;
  if (!stat?.isFile()) return `${path} does not exist or is not a file`;
  if (stat.size > RUN_LIMITS.imageFileBytes)
    return `${path} is ${stat.size} bytes, more than ${RUN_LIMITS.imageFileBytes}`;
  return undefined;
}

/** SHA-256 of a file's bytes, read once per path (a sweep names the same image in many cells). */
const fileHashes = new Map<string, string>();
function hashFile(path: string, what: string): string {
  const known = fileHashes.get(path);
  if (known) return known;
  const problem = imageProblem(path);
  if (problem) throw new SweepError(`${what} ${problem}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SweepError(`${what} ${(err as Error).message}`);
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  fileHashes.set(path, hash);
  return hash;
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    throw new SweepError(`${what} ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SweepError(`${what} ${path} is not JSON: ${(err as Error).message}`);
  }
}

function readText(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
  if (stat.size > MAX_FILE_BYTES) throw new Error(`${path} is ${stat.size} bytes, more than ${MAX_FILE_BYTES}`);
  return readFileSync(path, 'utf8');
}
