// Cells that differ only by consecutive seeds run as one batch: the engine gives image i of a batch
// the noise of seed + i (as a run of that seed alone), and one batched UNet call per step costs far
// less than one call per cell on small models. A variation (subseed) run keeps its seed for every
// image of a batch, so those cells run alone. Batches of one model then run side by side (togetherGroups).
import { isVaried, type RunSpec } from '../protocol/run';
import { canonicalJson } from './sweepKeys';

/** Groups cells into runs of consecutive seeds, at most `maxBatch` cells each, in the order their
 * first cells come; `runOf` gives a cell's spec. */
export function seedBatches<C>(cells: readonly C[], runOf: (cell: C) => RunSpec, maxBatch: number): C[][] {
  const open = new Map<string, C[]>();
  const batches: C[][] = [];
  for (const cell of cells) {
    const { seed, ...rest } = runOf(cell);
    const same = canonicalJson(rest);
    const batch = isVaried(rest) ? undefined : open.get(same);
    const last = batch && runOf(batch[batch.length - 1]).seed;
    if (batch && batch.length < maxBatch && last !== undefined && seed === last + 1) {
      batch.push(cell);
      continue;
    }
    const fresh = [cell];
    open.set(same, fresh);
    batches.push(fresh);
  }
  return batches;
}

/** Groups batches to run side by side (EngineClient.generateTogether), in order: consecutive batches of one
 * model folder (and refiner), at most `maxCells` cells a group. The engine joins their UNet calls. */
export function togetherGroups<B extends readonly unknown[]>(
  batches: readonly B[],
  runOf: (batch: B) => RunSpec,
  maxCells: number,
): B[][] {
  const groups: B[][] = [];
  const folders = (b: B) => {
    const { modelDir, refiner } = runOf(b);
    return JSON.stringify([modelDir, refiner]);
  };
  for (const batch of batches) {
    const group = groups[groups.length - 1];
    const fits = group && folders(group[0]) === folders(batch) && cellsIn(group) + batch.length <= maxCells;
    if (fits) group.push(batch);
    else groups.push([batch]);
  }
  return groups;
}

/** The cells of a group of batches. */
export function cellsIn(group: readonly (readonly unknown[])[]): number {
  return group.reduce((n, batch) => n + batch.length, 0);
}
