// Runs the cells of a sweep through one engine (its sessions loaded once, kept between cells) along
// the same path as every other run (executeRun), skipping cells whose content key already has a file
// in the output folder. The engine starts only when a cell has to run.
import { join } from 'node:path';
import type { RunOptions } from '../protocol/engine';
import type { Sweep } from '../protocol/sweep';
import { cellCount } from '../protocol/sweepCells';
import { writeFileSafely } from '../cli/outputFiles';
import type { EngineClient } from './engineClient';
import { executeRun, prepareRun } from './executeRun';
import type { ResolvedCell } from './sweepFiles';
import { cellFileName, cellFilesByKey, shortKey, writeGrid, writeIndex, type IndexCell, type SweepIndex, SWEEP_INDEX_FORMAT } from './sweepIndex';
import { cellKey, sweepHash } from './sweepKeys';

export interface SweepProgress {
  /** 1-based position among the cells this run makes, and how many it makes. */
  cell: number;
  cells: number;
  /** The sweep's index of the cell. */
  index: number;
  /** 1-based step just taken, of `steps`. */
  step: number;
  steps: number;
}

export interface SweepRunOptions {
  outDir: string;
  /** Gives the engine; called at the first cell that must run, never when every cell is cached. */
  engine: () => EngineClient;
  runOptions: RunOptions;
  /** Run every cell even when its file exists. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Written into the index of a shard's folder. */
  shard?: { index: number; count: number };
}

export interface SweepRunReport {
  /** Sweep indices of the cells that ran, and of those found in the folder. */
  ran: number[];
  cached: number[];
  index: SweepIndex;
  /** Whether grid.png was written (only when every cell of the sweep is in the folder). */
  grid: boolean;
}

export async function runSweep(sweep: Sweep, cells: readonly ResolvedCell[], o: SweepRunOptions): Promise<SweepRunReport> {
  const existing = o.force ? new Map<string, string>() : cellFilesByKey(o.outDir);
  const keyed = cells.map((cell) => ({ cell, key: cellKey(cell.model, cell.spec) }));
  const todo = keyed.filter(({ key }) => !existing.has(shortKey(key)));
  let engine: EngineClient | undefined;
  const entries: IndexCell[] = [];
  for (const { cell, key } of keyed) {
    let file = existing.get(shortKey(key));
    if (file === undefined) {
      engine ??= o.engine();
      const position = todo.findIndex((t) => t.cell === cell) + 1;
      const run = await executeRun(engine, prepareRun(cell.run), o.runOptions, {
        signal: o.signal,
        onStep: (e) => o.onProgress?.({ cell: position, cells: todo.length, index: cell.index, step: e.step + 1, steps: e.totalSteps }),
      });
      file = cellFileName(cell.index, key);
      writeFileSafely(join(o.outDir, file), run.images[0].png, true);
    }
    entries.push({ index: cell.index, values: cell.values, key, file, modelHash: cell.model.hash, spec: cell.spec });
  }
  const index: SweepIndex = {
    format: SWEEP_INDEX_FORMAT,
    sweepHash: sweepHash(sweep),
    sweep,
    cellCount: cellCount(sweep),
    ...(o.shard && { shard: o.shard }),
    cells: entries,
  };
  writeIndex(o.outDir, index);
  const ran = todo.map((t) => t.cell.index);
  return { ran, cached: cells.map((c) => c.index).filter((i) => !ran.includes(i)), index, grid: writeGrid(o.outDir, index) };
}
