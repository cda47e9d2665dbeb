// The cadence at which a tool run copies x and x̂0: the engine shows them at exactly these steps,
// so a step outside it needs no copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atCadence } from '../../../src/engine/stepCadence';

const steps = (every: number, totalSteps: number, upTo = totalSteps) =>
  Array.from({ length: upTo }, (_, i) => i).filter((i) => atCadence(i, { every, totalSteps }));

test('every n steps and at the last one; never when nothing shows them', () => {
  assert.deepEqual(steps(1, 4), [0, 1, 2, 3]);
  assert.deepEqual(steps(2, 5), [1, 3, 4]);
  assert.deepEqual(steps(3, 9), [2, 5, 8]);
  assert.deepEqual(steps(0, 5), []);
});

test('an adaptive run past its estimated step count counts each further step as the last', () => {
  assert.deepEqual(steps(4, 3, 6), [2, 3, 4, 5]);
});
