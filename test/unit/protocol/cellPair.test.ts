import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep } from '../../../src/protocol/sweep';
import { pairNames } from '../../../src/protocol/cellPair';
import { gridAxes } from '../../../src/protocol/sweepView';

test('two cells are named by the axis values that tell them apart', () => {
  const sweep = parseSweep({
    version: 1,
    base: { modelDir: 'm', prompt: 'a cat', seed: 1, steps: 4 },
    x: { field: 'sampler', values: ['Euler', 'DPM++ 2M Karras'] },
    y: { field: 'seed', values: [1, 2] },
    z: { field: 'negativePrompt', values: ['', `blurry ${'and grey '.repeat(8)}`] },
  }).sweep!;
  const grid = gridAxes(sweep);
  // Cell k sits at x + 2·(y + 2·z).
  assert.deepEqual(pairNames(grid, [0, 1]), ['cell 0 (sampler = Euler)', 'cell 1 (sampler = DPM++ 2M Karras)']);
  assert.deepEqual(pairNames(grid, [1, 2]), [
    'cell 1 (sampler = DPM++ 2M Karras, seed = 1)',
    'cell 2 (sampler = Euler, seed = 2)',
  ]);
  const [, long] = pairNames(grid, [0, 4]);
  assert.equal(long, 'cell 4 (negative = blurry and grey and grey and grey and g…)', 'cut at 40 characters');
});
