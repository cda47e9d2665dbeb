// Runs the cells of a sweep through one engine (its sessions loaded once, kept between cells) along
// the same path as every other run (executeRun), skipping cells whose file (named by index and content
// key) is already in the output folder. The engine starts only when a cell has to run.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PreviewImage, RunOptions, StepEvent } from '../protocol/engine';
import type { Sweep } from '../protocol/sweep';
import { cellCount } from '../protocol/sweepCells';
import { writeFileSafely } from './writeFileSafely';
import { EngineError, type EngineClient } from './engineClient';
import { executeTogether, prepareRun, type FinishedRun } from './executeRun';
import { cellsIn, seedBatches, togetherGroups } from './sweepBatches';
import { cellName, SweepError, type ResolvedCell } from './sweepFiles';
import { RunInputError } from './inputImages';
import {
  cellFileName,
  cellKeyDigits,
  checkOutFolder,
  shortKey,
  writeGrid,
  writeIndex,
  type IndexCell,
  type SweepIndex,
  SWEEP_INDEX_FORMAT,
} from './sweepIndex';
import { cellKey, sweepHash } from './sweepKeys';

export interface SweepProgress {
  /** 1-based positions, among the cells this run makes, of the first and last cell of the running
   * batch, and how many it makes. */
  cell: number;
  lastCell: number;
  cells: number;
  /** The running batch's unfinished cells by their index in the sweep (which the grid marks). */
  indices: number[];
  /** 1-based step just taken, of `steps`. */
  step: number;
  steps: number;
}

/** "cell 3/16, step 5/20", or "cells 1–4/16, step 5/20" while a batch runs. */
export function describeProgress(p: SweepProgress): string {
  const cells = p.lastCell > p.cell ? `cells ${p.cell}–${p.lastCell}` : `cell ${p.cell}`;
  return `${cells}/${p.cells}, step ${p.step}/${p.steps}`;
}

/** Most cells of consecutive seeds in one batch. */
export const DEFAULT_SEED_BATCH = 4;
/** Most cells run side by side by default (a seed batch counts its cells); 1 runs each alone. */
export const DEFAULT_TOGETHER = 16;

export interface SweepRunOptions {
  outDir: string;
  /** Gives the engine; called at the first cell that must run, never when every cell is cached. */
  engine: () => EngineClient;
  runOptions: RunOptions;
  /** Most cells run together (default DEFAULT_TOGETHER): consecutive seeds as one batch of at most
   * DEFAULT_SEED_BATCH, and batches of one model side by side, their UNet calls joined. */
  maxBatch?: number;
  /** Run every cell even when its file exists, and write over what the folder holds of another sweep. */
  force?: boolean;
  signal?: AbortSignal;
  /** Without it the engine sends no step events. */
  onProgress?: (progress: SweepProgress) => void;
  /** Each cell's PNG as it is found in the folder (first) or finishes, for a view that fills in live. */
  onCell?: (index: number, png: Uint8Array) => void;
  /** Written into the index of a shard's folder. */
  shard?: { index: number; count: number };
  /** The sweep file's name, kept in the index: the folder of one sweep file, edited or not, is its cache. */
  source?: string;
}

export interface SweepRunReport {
  /** Sweep indices of the cells that ran, and of those found in the folder. */
  ran: number[];
  cached: number[];
  index: SweepIndex;
  /** Whether grid.png was written (only when every cell of the sweep is in the folder). */
  grid: boolean;
}

/** The folder's file names `names`, with a copy under its own name of each cell found under another cell's
 * name with its key (a value moved along an axis, or repeated): an index names each cell's file by index and key. */
function reuseTwins(dir: string, names: string[], keyed: readonly { key: string; file: string }[]): string[] {
  const present = new Set(names);
  const byKey = new Map(names.flatMap((n) => (cellKeyDigits(n) ? [[cellKeyDigits(n)!, n] as const] : [])));
  const copied = keyed.flatMap(({ key, file }) => {
    const twin = byKey.get(shortKey(key));
    if (present.has(file) || twin === undefined) return [];
    copyFileSync(join(dir, twin), join(dir, file));
    return [file];
  });
  return [...names, ...copied];
}

export async function runSweep(
  sweep: Sweep,
  cells: readonly ResolvedCell[],
  o: SweepRunOptions,
): Promise<SweepRunReport> {
  const keyed = cells.map((cell) => {
    const key = cellKey(cell.model, cell.spec, cell.inputs);
    return { cell, key, file: cellFileName(cell.index, key) };
  });
  const owner = { hash: sweepHash(sweep), source: o.source };
  const names = checkOutFolder(o.outDir, owner, new Set(keyed.map((t) => shortKey(t.key))), o.force);
  const existing = new Set(o.force ? [] : reuseTwins(o.outDir, names, keyed));
  const todo = keyed.filter(({ file }) => !existing.has(file));
  if (o.onCell) {
    // A plain copy, as executeRun hands over a cell it made: a Node Buffer reaches a webview as no image.
    for (const { cell, file } of keyed)
      if (existing.has(file)) o.onCell(cell.index, new Uint8Array(readFileSync(join(o.outDir, file))));
  }
  let engine: EngineClient | undefined;
  /** Pixels of the cells run here, for the grid (cached cells' files are decoded there): no more than
   * the grid holds at its end, and none in a shard, which writes no grid. */
  const pixels = new Map<number, PreviewImage>();
  /** Cells this run has made so far (a group's progress names only the others). */
  const keptCells = new Set<number>();
  const gridDue = cells.length === cellCount(sweep);
  const most = o.maxBatch ?? DEFAULT_TOGETHER;
  const batches = seedBatches(todo, (t) => t.cell.run, Math.min(most, DEFAULT_SEED_BATCH));
  const groups = togetherGroups(batches, (b) => b[0].cell.run, most);
  // 1-based position, among the cells this run makes, of each group's first cell.
  const firsts = groups.map((_, k) => 1 + groups.slice(0, k).reduce((n, g) => n + cellsIn(g), 0));
  // Stops a group already queued behind one that failed.
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  /** A batch's cells into the folder, the grid's pixels and onCell, as its run ends (not once the sweep has
   * failed: what was queued behind the failure is stopped). */
  const keep = (batch: (typeof batches)[number], finished: FinishedRun) => {
    if (stop.signal.aborted) return;
    batch.forEach(({ cell, file }, i) => {
      const image = finished.images[i];
      writeFileSafely(join(o.outDir, file), image.png, true);
      keptCells.add(cell.index);
      const { width, height, rgba } = image;
      if (gridDue) pixels.set(cell.index, { width, height, rgba });
      o.onCell?.(cell.index, image.png);
    });
  };
  const start = async (k: number) => {
    engine ??= o.engine();
    const group = groups[k];
    const runs = group.map((batch) => prepareRun({ ...batch[0].cell.run, batchSize: batch.length }));
    const { onProgress } = o;
    const lastCell = firsts[k] + cellsIn(group) - 1;
    const indices = group.flatMap((batch) => batch.map((t) => t.cell.index));
    const onStep =
      onProgress &&
      ((e: StepEvent) => {
        const running = indices.filter((i) => !keptCells.has(i));
        const { step, totalSteps: steps } = e;
        onProgress({ cell: firsts[k], lastCell, cells: todo.length, indices: running, step: step + 1, steps });
      });
    const made = executeTogether(
      engine,
      runs,
      o.runOptions,
      runs.map(() => ({ signal, onStep })),
    );
    // Each batch kept as its run ends: where the engine runs a group's batches one after another (a large
    // model), their cells show one batch at a time, not all at the group's end.
    const settled = await Promise.allSettled(made.map((run, j) => run.then((finished) => keep(group[j], finished))));
    const failed = settled.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) throw naming((settled[failed] as PromiseRejectedResult).reason, sweep, group[failed]);
  };
  let current = groups.length > 0 ? start(0) : undefined;
  let next: ReturnType<typeof start> | undefined;
  try {
    for (const k of groups.keys()) {
      // Queued in the engine behind this group, so the engine never waits for the host between groups.
      next = k + 1 < groups.length ? start(k + 1) : undefined;
      await current;
      current = next;
    }
  } catch (err) {
    stop.abort();
    await Promise.allSettled([current, next]);
    throw err;
  }
  const entries: IndexCell[] = keyed.map(({ cell, key, file }) => ({
    index: cell.index,
    values: cell.values,
    key,
    file,
    modelHash: cell.model.hash,
    spec: cell.spec,
  }));
  const index: SweepIndex = {
    format: SWEEP_INDEX_FORMAT,
    sweepHash: owner.hash,
    ...(o.source !== undefined && { source: o.source }),
    sweep,
    cellCount: cellCount(sweep),
    ...(o.shard && { shard: o.shard }),
    cells: entries,
  };
  writeIndex(o.outDir, index);
  const ran = todo.map((t) => t.cell.index);
  return {
    ran,
    cached: cells.map((c) => c.index).filter((i) => !ran.includes(i)),
    index,
    grid: await writeGrid(o.outDir, index, pixels),
  };
}

/** An engine's refusal of a batch, naming its first cell (and how many seeds ran with it), as a missing
 * file names its cell: the sweep's other cells may be fine. A cancel is the user's, and stays as it is. */
function naming(err: unknown, sweep: Sweep, batch: readonly { cell: ResolvedCell }[]): unknown {
  const { cell } = batch[0];
  const more = batch.length > 1 ? ` and the ${batch.length - 1} seeds batched with it` : '';
  const message = (e: Error) => `${cellName(sweep, cell)}${more}: ${e.message}`;
  // An init image or mask that fails to decode (its header passed the checks) is the sweep's to fix.
  if (err instanceof RunInputError) return new SweepError(message(err));
  if (!(err instanceof EngineError) || err.code === 'CANCELLED') return err;
  return new EngineError({ code: err.code, message: message(err), file: err.file, step: err.step });
}
