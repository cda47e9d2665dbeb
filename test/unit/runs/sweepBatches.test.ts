import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec, type RunSpec } from '../../../src/protocol/run';
import { seedBatches } from '../../../src/runs/sweepBatches';

const spec = (seed: number, steps = 4): RunSpec => runSpec({ modelDir: '/m', prompt: 'p', seed, steps });
const seedsOf = (batches: RunSpec[][]) => batches.map((b) => b.map((s) => `${s.seed}/${s.steps}`));

test('only runs equal but for consecutive seeds share a batch, up to the cap', () => {
  const cells = [spec(1), spec(1, 8), spec(2), spec(4), spec(3), spec(2, 8), spec(5), spec(6), spec(7)];
  assert.deepEqual(seedsOf(seedBatches(cells, (s) => s, 3)), [
    ['1/4', '2/4'],
    ['1/8', '2/8'],
    ['4/4'],
    ['3/4'],
    ['5/4', '6/4', '7/4'],
  ]);
  assert.deepEqual(seedsOf(seedBatches(cells, (s) => s, 1)).length, cells.length);
});

test('variation runs are never batched: every image of a batch keeps the seed', () => {
  const varied = (seed: number) => ({ ...spec(seed), subseed: 9, subseedStrength: 0.3 });
  assert.deepEqual(seedBatches([varied(1), varied(2)], (s) => s, 4).length, 2);
});
