import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec, type RunSpec } from '../../../src/protocol/run';
import { seedBatches, togetherGroups } from '../../../src/runs/sweepBatches';

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

test('consecutive batches of one model run together, up to the cap in cells; another model starts a group', () => {
  const on = (modelDir: string, ...seeds: number[]) => seeds.map((seed) => ({ ...spec(seed), modelDir }));
  const batches = [on('/a', 1, 2), on('/a', 1), on('/b', 1), on('/a', 3, 4, 5), on('/a', 6, 7)];
  const groups = togetherGroups(batches, (b) => b[0], 4);
  assert.deepEqual(
    groups.map((g) => g.map((b) => `${b[0].modelDir}×${b.length}`)),
    [['/a×2', '/a×1'], ['/b×1'], ['/a×3'], ['/a×2']],
  );
  const refined = [on('/a', 1), [{ ...spec(2), modelDir: '/a', refiner: '/r' }]];
  assert.equal(togetherGroups(refined, (b) => b[0], 16).length, 2, 'a refiner is a folder of its own');
});
