// `diffusion-lab sweep`: run a sweep file's cells (all, or one shard) into a folder, or merge the
// folders of its shards.
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Finding } from '../core/config/findings';
import { PROVIDER_NAMES, type ProviderName } from '../protocol/engine';
import { RUN_LIMITS } from '../protocol/run';
import { DEFAULT_CELL_LIMIT } from '../protocol/sweep';
import { cellAt, cellCount, cellsText } from '../protocol/sweepCells';
import type { EngineClient } from '../runs/engineClient';
import { cliEngine } from './cliEngine';
import { readSweepFile, resolveCells, SweepError } from '../runs/sweepFiles';
import { GRID_FILE, INDEX_FILE } from '../runs/sweepFolder';
import { OutFolderError } from '../runs/sweepIndex';
import { mergeSweeps } from '../runs/sweepMerge';
import { DEFAULT_SEED_BATCH, DEFAULT_TOGETHER, describeProgress, runSweep } from '../runs/sweepRun';
import { resolveShard, shardCells, ShardError } from '../runs/sweepShard';
import { UsageError } from './usageError';
import { graphCacheDir } from '../modelFolder/cacheFolder';

export const SWEEP_USAGE = `  diffusion-lab sweep <file.sweep.json> --out <folder> [options]
      --shard <i/n>          run cells with index % n == i (default: from SLURM_ARRAY_TASK_ID and
                             SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shards)
      --shards <n>           shard count for a Kubernetes Indexed Job (or DIFFUSION_LAB_SHARDS)
      --batch <n>            run up to n cells together (default ${DEFAULT_TOGETHER}; 1: each cell alone):
                             consecutive seeds as one batch (up to ${DEFAULT_SEED_BATCH}), batches of one model
                             side by side, their UNet calls joined
      --force                run every cell again, even those already in the folder, and write over
                             what --out holds of another sweep or of yours (refused without it)
      --yes                  run a sweep of more than --cell-limit cells
      --cell-limit <n>       default ${DEFAULT_CELL_LIMIT}
      --provider <p>, --verbose   as for generate
  diffusion-lab sweep --merge <folder>... --out <folder> [--force]   assemble shards' folders: index and grid`;

/** `started`: an engine already started for this sweep (src/cli/start.ts), used at the first cell that runs. */
export async function sweep(args: string[], started?: EngineClient): Promise<number> {
  const { values: o, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      merge: { type: 'boolean', default: false },
      shard: { type: 'string' },
      shards: { type: 'string' },
      batch: { type: 'string' },
      force: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      'cell-limit': { type: 'string' },
      provider: { type: 'string', default: 'auto' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!o.out) throw new UsageError('--out <folder> is required');
  const out = resolve(o.out);
  try {
    if (o.merge) return await merge(positionals, out, o);
    if (positionals.length !== 1) throw new UsageError(`give one sweep file, not ${positionals.length}`);
    if (!PROVIDER_NAMES.includes(o.provider as ProviderName))
      throw new UsageError(`--provider must be one of ${PROVIDER_NAMES.join(', ')}`);
    const limit = o['cell-limit'] === undefined ? DEFAULT_CELL_LIMIT : wholeFlag('--cell-limit', o['cell-limit']);
    const batch = o.batch === undefined ? DEFAULT_TOGETHER : wholeFlag('--batch', o.batch);
    if (batch < 1 || batch > RUN_LIMITS.batchSize.max)
      throw new UsageError(`--batch must be from 1 to ${RUN_LIMITS.batchSize.max}, not ${batch}`);
    return await runFile(positionals[0], out, { ...o, limit, batch, provider: o.provider as ProviderName }, started);
  } catch (err) {
    if (err instanceof OutFolderError) throw outFolderUsage(err);
    if (err instanceof SweepError || err instanceof ShardError) throw new UsageError(err.message);
    throw err;
  }
}

/** The folder's refusal as the flag that named it (its message starts with the folder). */
function outFolderUsage(err: OutFolderError): UsageError {
  return new UsageError(
    `--out ${err.message}${err.replaceable ? ': give another --out, or --force to write over it' : ''}`,
  );
}

interface RunFlags {
  shard?: string;
  shards?: string;
  force?: boolean;
  yes?: boolean;
  verbose?: boolean;
  limit: number;
  batch: number;
  provider: ProviderName;
}

async function runFile(file: string, out: string, o: RunFlags, started?: EngineClient): Promise<number> {
  const read = readSweepFile(file, o.limit);
  for (const f of read.findings.filter((f) => f.severity !== 'error')) console.error(`${file}: ${describeFinding(f)}`);
  const errors = read.findings.filter((f) => f.severity === 'error');
  if (errors.length || !read.sweep)
    throw new UsageError(`${file}:\n${errors.map((f) => `  ${describeFinding(f)}`).join('\n')}`);
  const sweep = read.sweep;
  const total = cellCount(sweep);
  if (total > o.limit && !o.yes)
    throw new UsageError(`${file} has ${total} cells, more than --cell-limit ${o.limit}: add --yes to run it`);
  const shard = resolveShard(o.shard, o.shards, process.env);
  const cells = resolveCells(
    sweep,
    read.dir,
    shardCells(total, shard).map((i) => cellAt(sweep, i)),
    graphCacheDir(),
  );

  let engine: EngineClient | undefined;
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    const report = await runSweep(sweep, cells, {
      outDir: out,
      engine: () => (engine = started ?? cliEngine(o.verbose)),
      runOptions: { provider: o.provider },
      force: o.force,
      maxBatch: o.batch,
      signal: abort.signal,
      shard,
      source: basename(file),
      // Progress for a terminal only: without a listener the engine sends no step events.
      onProgress: process.stderr.isTTY ? (p) => process.stderr.write(`\r${describeProgress(p)}   `) : undefined,
    });
    if (process.stderr.isTTY && report.ran.length) process.stderr.write('\n');
    const part = shard ? `; shard ${shard.index}/${shard.count}: ${cellsText(cells.length)}` : '';
    console.log(`sweep     ${resolve(file)} (${cellsText(total)}${part})`);
    console.log(
      `ran       ${cellsText(report.ran.length)}, ${report.cached.length} cached${engine ? '' : ' (no engine started)'}`,
    );
    console.log(
      `wrote     ${resolve(out, INDEX_FILE)}${report.grid ? `, ${GRID_FILE}` : ` (grid.png after merging the shards)`}`,
    );
    return 0;
  } finally {
    (engine ?? started)?.dispose();
  }
}

async function merge(folders: string[], out: string, o: Pick<RunFlags, 'shard' | 'shards' | 'force'>): Promise<number> {
  // A merge takes every shard's folder: a shard flag here is a command line mixed up with a shard's.
  if (o.shard !== undefined || o.shards !== undefined)
    throw new UsageError('--merge takes no --shard or --shards: it assembles the folders of all the shards');
  const index = await mergeSweeps(
    folders.map((f) => resolve(f)),
    out,
    o.force,
  );
  console.log(
    `merged    ${cellsText(index.cells.length)} from ${folders.length} folders into ${out}: ${INDEX_FILE}, ${GRID_FILE}`,
  );
  return 0;
}

function describeFinding(f: Finding): string {
  return `${f.severity} at ${f.path.length ? f.path.join('.') : '(root)'}: ${f.message}`;
}

function wholeFlag(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  return Number(value);
}
