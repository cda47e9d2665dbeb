// The spec that makes one image of a run again: its own seed, its own variation seed, alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageSpec } from '../../../src/runs/imageSpec';
import { buildRunRecords } from '../../../src/runs/runRecord';
import { sampleInfo } from './sampleInfo';

test('image 2 of a batch re-runs alone with its seed; vary seed draws a new one and keeps the rest', () => {
  const [, second] = buildRunRecords(new Date(0), sampleInfo());
  const again = imageSpec(second, false);
  assert.deepEqual([again.seed, again.batchSize, again.steps, again.prompt], [12, 1, 2, 'a café']);
  const varied = imageSpec(second, true);
  assert.deepEqual({ ...varied, seed: 12 }, again);
  assert.equal(varied.seed, -1);
});

test('an image of a varied batch keeps the seed and its own variation seed', () => {
  const records = buildRunRecords(
    new Date(0),
    sampleInfo({ spec: { seed: 11, subseed: 40, subseedStrength: 0.5 }, seeds: [11, 11] }),
  );
  const spec = imageSpec(records[1], false);
  assert.deepEqual([spec.seed, spec.subseed, spec.subseedStrength, spec.batchSize], [11, 41, 0.5, 1]);
});
