// The variation seed and strength and the eta noise seed delta of a run spec: limits, where they apply, and
// the random variation seed drawn once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunSpec, RANDOM_SEED, RUN_LIMITS, runSpec } from '../../../src/protocol/run';
import { prepareRun } from '../../../src/runs/executeRun';

const base = runSpec({ modelDir: '/m', prompt: 'a', seed: 1 });

test('variation strength from 0 to 1 with a variation seed; anything else is named', () => {
  assert.deepEqual(checkRunSpec({ ...base, subseed: 5, subseedStrength: 0.3 }), []);
  assert.deepEqual(checkRunSpec({ ...base, subseed: RANDOM_SEED, subseedStrength: 1 }), []);
  const messages = (spec: object) => checkRunSpec({ ...base, ...spec }).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(messages({ subseed: 5, subseedStrength: 1.5 }), [
    'subseedStrength: variation strength must be a number from 0 to 1, not 1.5',
  ]);
  assert.deepEqual(messages({ subseedStrength: 0.5 }), ['subseed: a variation strength needs a variation seed']);
  assert.deepEqual(messages({ subseed: 2.5 }), [
    'subseed: variation seed must be a whole number from 0 to 4294967294, not 2.5',
  ]);
});

test('an eta noise seed delta is a whole number from 0, without an init image, on the a1111 noise', () => {
  assert.deepEqual(checkRunSpec({ ...base, etaNoiseSeedDelta: 31337 }), []);
  const a1111 = { tool: 'a1111' as const, sampler: 'Euler a' };
  assert.deepEqual(checkRunSpec({ ...base, etaNoiseSeedDelta: 1, toolSampler: a1111 }), []);
  const messages = (spec: object) => checkRunSpec({ ...base, ...spec }).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(messages({ etaNoiseSeedDelta: -1 }), [
    'etaNoiseSeedDelta: eta noise seed delta must be a whole number from 0 to 4294967294, not -1',
  ]);
  assert.deepEqual(messages({ etaNoiseSeedDelta: 3, initImage: '/in.png' }), [
    'etaNoiseSeedDelta: an eta noise seed delta (ENSD) does not combine with an init image yet',
  ]);
  assert.deepEqual(messages({ etaNoiseSeedDelta: 3, toolSampler: a1111, noise: 'comfyui' }), [
    "etaNoiseSeedDelta: an eta noise seed delta (ENSD) is A1111's: with a tool sampler it takes the a1111 noise convention, not comfyui",
  ]);
  assert.deepEqual(messages({ etaNoiseSeedDelta: 0, toolSampler: a1111, noise: 'comfyui' }), [], '0: none');
});

test('a random variation seed is drawn when the run starts, as the seed is', () => {
  const { spec } = prepareRun({ ...base, subseed: RANDOM_SEED, subseedStrength: 0.5 }, () => 0.5);
  assert.equal(spec.subseed, 2147483647);
  assert.equal(prepareRun(base).spec.subseed, undefined);
});

test("a batch's last seed (or variation seed, with a variation) is a seed too; a drawn seed leaves room", () => {
  const { max } = RUN_LIMITS.seed;
  const messages = (spec: object) => checkRunSpec({ ...base, ...spec }).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(messages({ seed: max - 2, batchSize: 3 }), []);
  assert.deepEqual(messages({ seed: max - 1, batchSize: 3 }), [
    `batchSize: batch of 3 from seed ${max - 1} runs past the largest seed ${max}: image i takes seed + i`,
  ]);
  // With a variation every image keeps the seed, and the variation seed counts up.
  assert.deepEqual(messages({ seed: max, subseed: 1, subseedStrength: 0.5, batchSize: 3 }), []);
  assert.deepEqual(messages({ seed: 1, subseed: max, subseedStrength: 0.5, batchSize: 2 }), [
    `batchSize: batch of 2 from subseed ${max} runs past the largest seed ${max}: image i takes subseed + i`,
  ]);
  const highest = () => 0.9999999999;
  const drawn = prepareRun({ ...base, seed: RANDOM_SEED, subseed: RANDOM_SEED, batchSize: 64 }, highest).spec;
  assert.equal(drawn.seed, max - 63);
  assert.equal(drawn.subseed, max - 63);
  assert.equal(prepareRun({ ...base, seed: RANDOM_SEED }, highest).spec.seed, max);
});
