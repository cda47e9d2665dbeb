// The variation seed and strength of a run spec: limits, and the random variation seed drawn once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunSpec, RANDOM_SEED, runSpec } from '../../../src/protocol/run';
import { prepareRun } from '../../../src/runs/executeRun';

const base = runSpec({ modelDir: '/m', prompt: 'a', seed: 1 });

test('variation strength from 0 to 1 with a variation seed; anything else is named', () => {
  assert.deepEqual(checkRunSpec({ ...base, subseed: 5, subseedStrength: 0.3 }), []);
  assert.deepEqual(checkRunSpec({ ...base, subseed: RANDOM_SEED, subseedStrength: 1 }), []);
  const messages = (spec: object) => checkRunSpec({ ...base, ...spec }).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(messages({ subseed: 5, subseedStrength: 1.5 }), ['subseedStrength: variation strength must be a number from 0 to 1, not 1.5']);
  assert.deepEqual(messages({ subseedStrength: 0.5 }), ['subseed: a variation strength needs a variation seed']);
  assert.deepEqual(messages({ subseed: 2.5 }), ['subseed: variation seed must be a whole number from 0 to 4294967294, not 2.5']);
});

test('a random variation seed is drawn when the run starts, as the seed is', () => {
  const { spec } = prepareRun({ ...base, subseed: RANDOM_SEED, subseedStrength: 0.5 }, () => 0.5);
  assert.equal(spec.subseed, 2147483647);
  assert.equal(prepareRun(base).spec.subseed, undefined);
});
