// The files a sweep names, read on the host: the sweep file itself, its model folders (for their
// hash), schedule files and input images. A cell whose file is missing or broken is an error that names the cell.
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { basename, dirname, resolve } from 'node:path';
import { defaultGuidance, readModelFolder } from '../modelFolder/modelFolder';
import { cachedModelHash } from '../modelFolder/hashCache';
import { RUN_LIMITS, type RunSpec } from '../protocol/run';
import { readJsonFile, readTextFile } from '../modelFolder/jsonFile';
import {
  MAX_SWEEP_NESTING,
  parseSweep,
  type AxisName,
  type Sweep,
  type SweepFiles,
  type SweepReading,
} from '../protocol/sweep';
import type { ScheduleEntry } from '../protocol/schedule';
import { AXIS_FIELDS, valueLabel } from '../protocol/sweepAxes';
import { axisSetting } from '../protocol/cellPair';
import { withSchedule, type Cell } from '../protocol/sweepCells';
import { modelFitReader } from './modelFitReader';
import { documentKind, readScheduleDocument } from '../documents/scheduleDocument';
import { declaredSizeProblem, sha256Of } from './decodeImage';
import { IMAGE_LABELS, imageFileProblem } from './inputImages';
import { statOf, whyNot } from '../modelFolder/fileStat';
import { cutShort, imageSize, type ImageSize } from './imageHeader';
import { imageFormat } from '../core/image/imageFormat';

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
  const json = readSweepJson(path, 'sweep file');
  const dir = dirname(resolve(path));
  return { path, dir, ...parseSweep(json, { cellLimit, files: sweepFileChecks(dir) }) };
}

/** The sweep's files as its checks read them, relative to `dir` (the sweep file's folder): a schedule file
 * once for these checks (they ask once per distinct cell), so a new call reads it again (a few kilobytes);
 * an image or a model folder read again only when its files change (a stat each). */
export function sweepFileChecks(dir: string): SweepFiles {
  const schedule = scheduleFiles(dir);
  return {
    model: modelFitReader(dir),
    problem: (kind, ref) => {
      const problem = kind === 'scheduleFile' ? schedule(ref) : imageFacts(resolve(dir, ref)).problem;
      if (typeof problem !== 'string') return undefined;
      return kind === 'scheduleFile' ? problem : `${IMAGE_LABELS[kind]} ${problem}`;
    },
    schedule: (ref) => {
      const entry = schedule(ref);
      return typeof entry === 'string' ? undefined : entry;
    },
    imageSize: (ref) => imageFacts(resolve(dir, ref)).size,
  };
}

/** Schedule files by reference, relative to `dir`, each read once for the caller's lifetime: the schedule,
 * or why it cannot be used. */
function scheduleFiles(dir: string): (ref: string) => ScheduleEntry | string {
  const read = new Map<string, ScheduleEntry | string>();
  return (ref) => {
    let entry = read.get(ref);
    if (entry === undefined) {
      try {
        entry = readScheduleRef(dir, ref);
      } catch (err) {
        entry = (err as Error).message;
      }
      read.set(ref, entry);
    }
    return entry;
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
  const schedule = scheduleFiles(dir);
  return cells.map((cell) => {
    const where = cellName(sweep, cell);
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
    const entry = cell.scheduleFile === undefined ? undefined : schedule(cell.scheduleFile);
    if (typeof entry === 'string') throw new SweepError(`${where}: ${entry}`);
    const scheduled = entry ? withSchedule(cell.spec, entry) : cell.spec;
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
    inputs[field] = hashFile(resolved[field], `${where}: ${IMAGE_LABELS[field]}`);
  }
  return { run: resolved, inputs };
}

/** "cell 3 (x: sampler = Euler, y: steps = 4)": a cell and its place, for messages. */
export function cellName(sweep: Sweep, cell: Cell): string {
  const parts = Object.entries(cell.values).map(([name, v]) => {
    const { label } = AXIS_FIELDS[sweep.axes[name as AxisName]!.field];
    return `${name}: ${axisSetting(label, valueLabel(v))}`;
  });
  return `cell ${cell.index} (${parts.length ? parts.join(', ') : 'the base run'})`;
}

/** The schedule a reference names, relative to `dir`; throws an Error that says why it cannot be used. */
export function readScheduleRef(dir: string, ref: string): ScheduleEntry {
  const hash = ref.lastIndexOf('#');
  const file = resolve(dir, hash < 0 ? ref : ref.slice(0, hash));
  const wanted = hash < 0 ? undefined : ref.slice(hash + 1);
  let text: string;
  try {
    text = readTextFile(file, MAX_FILE_BYTES);
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

/** An input image as a run would take it, read before it is decoded: why the run could not read it, else
 * its declared size and the SHA-256 of its bytes. */
interface ImageFacts {
  /** The file's size, times and inode: the facts hold until one changes. */
  stamp: string;
  problem?: string;
  size?: ImageSize;
  sha256?: string;
}

/** Images read lately, by path: a sweep's checks ask on each pause in typing, its cells name the same image
 * many times. */
const images = new LRUCache<string, ImageFacts>({ max: 256 });

function imageFacts(path: string): ImageFacts {
  const stat = statOf(path);
  const problem = imageFileProblem(stat);
  if (typeof stat === 'string' || problem) return { stamp: '', problem: `${path} ${problem}` };
  const stamp = `${stat.size} ${stat.mtimeMs} ${stat.ctimeMs} ${stat.ino}`;
  const known = images.get(path);
  if (known?.stamp === stamp) return known;
  const facts = { stamp, ...readImage(path) };
  images.set(path, facts);
  return facts;
}

/** What the run's reading (inputImages.ts, decodeImage.ts) would refuse without decoding, in its words, of a
 * file imageFileProblem passed. */
function readImage(path: string): Omit<ImageFacts, 'stamp'> {
  const fail = (why: string) => ({ problem: `${path}: ${why}` });
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return { problem: `${path} ${whyNot(err)}` };
  }
  const format = imageFormat(bytes);
  if (format !== 'png' && format !== 'jpeg') return fail('not a PNG or JPEG file');
  if (cutShort(bytes))
    return fail(`the file is cut short: it ends before its ${format === 'png' ? 'IEND chunk' : 'end-of-image marker'}`);
  const size = imageSize(bytes);
  const refused = size && declaredSizeProblem(size, RUN_LIMITS.side.max);
  if (refused) return fail(refused.message);
  return { size, sha256: sha256Of(bytes) };
}

/** SHA-256 of an input image's bytes, read once until the file changes (a sweep names one image in many cells). */
function hashFile(path: string, what: string): string {
  const { problem, sha256 } = imageFacts(path);
  if (problem) throw new SweepError(`${what} ${problem}`);
  return sha256!;
}

export function readSweepJson(path: string, what: string): unknown {
  try {
    return readJsonFile(path, MAX_FILE_BYTES, MAX_SWEEP_NESTING);
  } catch (err) {
    throw new SweepError(`${what} ${(err as Error).message}`);
  }
}
