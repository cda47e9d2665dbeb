// `sweep --merge`: the folders of a sweep's shards (on one machine or copied from many) assembled
// into one folder with the whole index and the grid, refusing folders of different sweeps and, without
// `force`, an output folder that holds another sweep's files or the user's.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PreviewImage } from '../protocol/engine';
import { cellCount } from '../protocol/sweepCells';
import { SweepError } from './sweepFiles';
import {
  checkOutFolder,
  readCellImage,
  readIndex,
  shortKey,
  SWEEP_INDEX_FORMAT,
  writeGrid,
  writeIndex,
  type IndexCell,
  type SweepIndex,
} from './sweepIndex';

export async function mergeSweeps(folders: readonly string[], outDir: string, force = false): Promise<SweepIndex> {
  if (folders.length === 0) throw new SweepError('--merge needs the shard folders to merge');
  const indices = folders.map((dir) => ({ dir, index: readIndex(dir) }));
  const first = indices[0];
  for (const { dir, index } of indices) {
    if (index.sweepHash !== first.index.sweepHash) {
      throw new SweepError(
        `${dir} holds another sweep than ${first.dir} ` +
          `(sweep ${index.sweepHash.slice(0, 12)}, not ${first.index.sweepHash.slice(0, 12)}): ` +
          'merge only shards of one sweep',
      );
    }
  }
  const cells = new Map<number, IndexCell>();
  /** Each cell's file in the folder it comes from, by index. */
  const sources = new Map<number, string>();
  const copies: [from: string, to: string][] = [];
  for (const { dir, index } of indices) {
    for (const cell of index.cells) {
      const known = cells.get(cell.index);
      if (known && known.key !== cell.key)
        throw new SweepError(
          `cell ${cell.index} has different keys in two folders (one is ${dir}): were they made with different models?`,
        );
      const from = join(dir, cell.file);
      if (!existsSync(from)) throw new SweepError(`${from} is missing (listed in ${join(dir, 'index.json')})`);
      if (resolve(dir) !== resolve(outDir)) copies.push([from, join(outDir, cell.file)]);
      cells.set(cell.index, cell);
      sources.set(cell.index, from);
    }
  }
  const { sweep, sweepHash } = first.index;
  const missing = Array.from({ length: cellCount(sweep) }, (_, i) => i).filter((i) => !cells.has(i));
  if (missing.length)
    throw new SweepError(`cells ${missing.join(', ')} are in none of the folders: is a shard missing or unfinished?`);
  // Checked once every folder is read, so that a refused merge has written nothing.
  const owner = { hash: sweepHash, source: first.index.source };
  checkOutFolder(outDir, owner, new Set([...cells.values()].map((c) => shortKey(c.key))), force);
  // Decoded where they are, before anything is copied: a damaged cell names its own file and leaves --out as it
  // was, and the grid takes these pixels rather than decoding the copies again.
  const read = [...sources].map(async ([index, from]) => [index, await readCellImage(from)] as const);
  const pixels = new Map<number, PreviewImage>(await Promise.all(read));
  mkdirSync(outDir, { recursive: true });
  for (const [from, to] of copies) copyFileSync(from, to);
  const merged: SweepIndex = {
    format: SWEEP_INDEX_FORMAT,
    sweepHash,
    sweep,
    cellCount: cellCount(sweep),
    ...(owner.source !== undefined && { source: owner.source }),
    cells: [...cells.values()],
  };
  writeIndex(outDir, merged);
  await writeGrid(outDir, merged, pixels);
  return merged;
}
