import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep } from '../../../src/protocol/sweep';
import { isSweepMessage, sweepView } from '../../../src/protocol/sweepView';

test("the grid view: axis labels, shape, and each cell's parameters for its hover", () => {
  const sweep = parseSweep({
    version: 1,
    base: { modelDir: 'm', prompt: 'a cat', seed: 1, steps: 4 },
    x: { field: 'sampler', values: ['Euler', 'DPM++ 2M Karras'] },
    z: { field: 'guidanceScale', values: [1, 5, 9] },
  }).sweep!;
  const view = sweepView(sweep);
  assert.deepEqual(view.axes, [
    { name: 'x', field: 'sampler', labels: ['Euler', 'DPM++ 2M Karras'] },
    { name: 'z', field: 'CFG', labels: ['1', '5', '9'] },
  ]);
  assert.deepEqual([view.shape, view.cellCount, view.tips.length], [[2, 1, 3], 6, 6]);
  assert.equal(
    view.tips[3],
    'cell 3\nx: sampler = DPM++ 2M Karras\nz: CFG = 5\nseed 1, 4 steps, CFG 5\n' +
      'sampler A1111 DPM++ 2M Karras\nprompt: a cat',
  );
});

test('messages from the webview are checked', () => {
  assert.ok(isSweepMessage({ type: 'open', index: 3 }));
  assert.ok(isSweepMessage({ type: 'trajectory', cells: [0, 3] }));
  for (const bad of [
    { type: 'trajectory', cells: [2, 2] },
    { type: 'trajectory', cells: [1] },
    { type: 'trajectory', cells: [0, -1] },
    { type: 'trajectory', cells: '0,1' },
    { type: 'open', index: -1 },
    { type: 'open', index: 1.5 },
    { type: 'open' },
    { type: 'rm' },
    null,
    'run',
  ]) {
    assert.equal(isSweepMessage(bad), false, JSON.stringify(bad));
  }
});
