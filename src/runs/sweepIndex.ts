// A sweep's output folder: one PNG per cell named by its index and content key, `index.json`
// (the sweep, its hash, and each cell's key and file) and `grid.png` (the labelled grid, its text
// metadata holding the sweep). Nothing here depends on when or where a cell ran, so a merge of
// shards writes the same index and grid bytes as one unsharded run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSafely } from './writeFileSafely';
import type { PreviewImage } from '../protocol/engine';
import { RUN_LIMITS, type RunSpec } from '../protocol/run';
import { parseSweep, sweepToJson, type Sweep } from '../protocol/sweep';
import { cellCount, type Cell } from '../protocol/sweepCells';
import { encodeRgbaPng } from '../png/pngEncode';
import { readPngText, withPngText } from '../png/pngText';
import { readSweepJson, SweepError } from './sweepFiles';
import { GRID_FILE, INDEX_FILE } from './sweepFolder';
import { sweepGrid } from './sweepGrid';
import { decodeImage } from './decodeImage';
import { canonicalJson, sweepHash } from './sweepKeys';

export const SWEEP_INDEX_FORMAT = 'diffusion-lab.sweep-index/1';
/** The grid PNG's text keyword holding the sweep. */
export const GRID_KEY = 'diffusion-lab-sweep';
/** Hex digits of the key in a cell's file name: enough to never collide within a folder. */
const KEY_DIGITS = 16;
const CELL_FILE = /^cell-\d+-([0-9a-f]{16})\.png$/;

export interface IndexCell {
  index: number;
  values: Cell['values'];
  key: string;
  file: string;
  modelHash: string;
  /** The spec as keyed: modelDir as the sweep writes it, schedule file applied. */
  spec: RunSpec;
}

export interface SweepIndex {
  format: typeof SWEEP_INDEX_FORMAT;
  sweepHash: string;
  sweep: Sweep;
  cellCount: number;
  /** Present in a shard's folder: which shard it holds. */
  shard?: { index: number; count: number };
  /** The sweep file's name (not its path, which differs between machines): an edited sweep keeps it. */
  source?: string;
  cells: IndexCell[];
}

export function cellFileName(index: number, key: string): string {
  return `cell-${String(index).padStart(4, '0')}-${key.slice(0, KEY_DIGITS)}.png`;
}

/** What a sweep will not write over in its output folder (without force): another sweep's files or the
 * user's. Its message starts with the folder, for the CLI to name its flag. */
export class OutFolderError extends SweepError {
  /** Whether force would write over it (not a file where the folder should be). */
  readonly replaceable: boolean;
  constructor(message: string, replaceable = true) {
    super(message);
    this.name = 'OutFolderError';
    this.replaceable = replaceable;
  }
}

/** A folder's file names: none where it does not exist yet. */
function folderFiles(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new OutFolderError(`${dir} is not a folder`, false);
    throw err;
  }
}

/** Which sweep writes a folder: its hash, and the name of its file (`source`), which an edit keeps. */
export interface SweepOwner {
  hash: string;
  source?: string;
}

/** Refuses, before anything is written, an output folder holding what this sweep did not write: an index that
 * is not a sweep index or is another sweep file's, a grid that is not a sweep's, or, in a folder with no index
 * yet, a grid or a cell file of another sweep (`ourKeys`: the key digits of this run's cells; an interrupted
 * run leaves its cells before its index). A folder with this sweep file's index is its cache, its file edited
 * or not: a re-run, a resume, another shard, a changed model or axis value. `force` writes over all of it.
 * Returns the folder's file names. */
export function checkOutFolder(dir: string, owner: SweepOwner, ourKeys: ReadonlySet<string>, force = false): string[] {
  const names = folderFiles(dir);
  if (force) return names;
  const indexed = names.includes(INDEX_FILE);
  if (indexed) checkOwnIndex(dir, owner);
  else {
    const stray = names.find((n) => {
      const key = cellKeyDigits(n);
      return key !== undefined && !ourKeys.has(key);
    });
    if (stray) throw new OutFolderError(`${dir} holds ${stray}, which is no cell of this sweep`);
  }
  if (!names.includes(GRID_FILE)) return names;
  const grid = gridHash(join(dir, GRID_FILE));
  if (grid === undefined || (!indexed && grid !== owner.hash))
    throw new OutFolderError(`${dir} holds a ${GRID_FILE} that is not this sweep's grid`);
  return names;
}

/** Refuses a folder's index that is not a sweep index, or is another sweep file's. An index without a source
 * (written before indexes named theirs) is taken as this sweep's. */
function checkOwnIndex(dir: string, owner: SweepOwner): void {
  let index: SweepIndex;
  try {
    index = readIndex(dir);
  } catch {
    throw new OutFolderError(`${dir} holds an ${INDEX_FILE} that is not a sweep index`);
  }
  const other = index.source !== undefined && owner.source !== undefined && index.source !== owner.source;
  if (index.sweepHash !== owner.hash && other)
    throw new OutFolderError(`${dir} holds the ${INDEX_FILE} of another sweep file, ${index.source}`);
}

/** The key digits in a cell file's name; undefined for any other file. */
export function cellKeyDigits(name: string): string | undefined {
  return CELL_FILE.exec(name)?.[1];
}

/** The first KEY_DIGITS of a cell's key, as its file name holds them. */
export function shortKey(key: string): string {
  return key.slice(0, KEY_DIGITS);
}

/** The sweep hash a grid file holds, if it is a sweep's grid. */
function gridHash(path: string): string | undefined {
  try {
    return (JSON.parse(readPngText(readFileSync(path))[GRID_KEY]) as { sweepHash?: string }).sweepHash;
  } catch {
    return undefined;
  }
}

/** Keys sorted at every level: the same index is the same bytes, however it was put together. */
export function writeIndex(dir: string, index: SweepIndex): void {
  const cells = [...index.cells].sort((a, b) => a.index - b.index);
  const json: unknown = JSON.parse(canonicalJson({ ...index, sweep: sweepToJson(index.sweep), cells }));
  writeFileSafely(join(dir, INDEX_FILE), Buffer.from(JSON.stringify(json, null, 1) + '\n'), true);
}

/** Reads and checks a folder's index: its sweep must parse and match its hash, and each cell's file
 * must be the name its index and key give (so a doctored index cannot point outside the folder). */
export function readIndex(dir: string): SweepIndex {
  const path = join(dir, INDEX_FILE);
  const v = readSweepJson(path, 'sweep index') as (Partial<Omit<SweepIndex, 'sweep'>> & { sweep?: unknown }) | null;
  if (v?.format !== SWEEP_INDEX_FORMAT || !Array.isArray(v.cells))
    throw new SweepError(`${path} is not a sweep index (${SWEEP_INDEX_FORMAT})`);
  const { sweep, findings } = parseSweep(v.sweep, { cellLimit: Infinity });
  if (!sweep) throw new SweepError(`${path}: its sweep is not valid: ${findings[0]?.message}`);
  if (v.sweepHash !== sweepHash(sweep))
    throw new SweepError(`${path}: its sweep does not match its sweepHash (was the index edited?)`);
  if (v.source !== undefined && typeof v.source !== 'string') throw new SweepError(`${path}: its source is not a name`);
  const count = cellCount(sweep);
  for (const [i, c] of v.cells.entries()) {
    const ok =
      Number.isInteger(c?.index) &&
      c.index >= 0 &&
      c.index < count &&
      /^[0-9a-f]{64}$/.test(c.key) &&
      c.file === cellFileName(c.index, c.key);
    if (!ok)
      throw new SweepError(
        `${path}: cells[${i}] is not a cell of this sweep ` +
          `(index 0 to ${count - 1}, a SHA-256 key, its file named by both)`,
      );
  }
  return { ...(v as SweepIndex), sweep };
}

/** Writes grid.png from the cell files in `dir`; returns false (writing nothing) when cells are missing.
 * `known`: pixels of cells this process just wrote (their files decode to the same), not read again. */
export async function writeGrid(
  dir: string,
  index: SweepIndex,
  known?: ReadonlyMap<number, PreviewImage>,
): Promise<boolean> {
  if (index.cells.length < cellCount(index.sweep)) return false;
  const read = index.cells.map(async (c) => [c.index, known?.get(c.index) ?? (await readCellImage(join(dir, c.file)))]);
  const images = new Map<number, PreviewImage>((await Promise.all(read)) as [number, PreviewImage][]);
  const grid = sweepGrid(index.sweep, images);
  const png = encodeRgbaPng(grid.width, grid.height, grid.rgba);
  const text = canonicalJson({
    format: SWEEP_INDEX_FORMAT,
    sweepHash: index.sweepHash,
    sweep: sweepToJson(index.sweep),
  });
  writeFileSafely(join(dir, GRID_FILE), withPngText(png, { [GRID_KEY]: text }), true);
  return true;
}

/** A cell PNG's pixels as RGBA (the engine writes RGBA; other PNGs are widened to it). */
export async function readCellImage(path: string): Promise<PreviewImage> {
  try {
    return await decodeImage(readFileSync(path), RUN_LIMITS.side.max);
  } catch (err) {
    throw new SweepError(`${path}: ${(err as Error).message}`);
  }
}
