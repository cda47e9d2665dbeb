import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partingStep, trajectoryColumns } from '../../../../webview/sweep/trajectoryData';

test('a shorter run is placed on the longer run’s steps; σ 0 and skipped steps are left out', () => {
  const columns = trajectoryColumns({
    steps: [2, 4],
    sigmas: [
      [10, 5],
      [null, 8, 4, 0],
    ],
    pairs: [
      { stepA: 0, stepB: 1, distance: 3 },
      { stepA: 1, stepB: 3, distance: 1 },
    ],
  });
  assert.deepEqual(columns, [
    [2, 3, 4],
    [3, null, 1],
    [10, null, 5],
    [8, 4, null],
  ]);
});

test('the parting step is where the distance first reaches half its largest', () => {
  assert.equal(
    partingStep([
      [1, 2, 3, 4],
      [0, 0.4, 1.2, 2],
      [null, null, null, null],
      [null, null, null, null],
    ]),
    3,
  );
  assert.equal(partingStep([[1], [0], [null], [null]]), undefined);
});
