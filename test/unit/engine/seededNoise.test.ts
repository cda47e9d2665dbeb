// Batch noise is each image's own seeded stream, whether the sampler passes a buffer or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import { seededNoise } from '../../../src/engine/seededNoise';

test('image i of a batch draws what a single run with seed i draws, into the given buffer', () => {
  const shape = [2, 4, 8, 8];
  const noise = seededNoise([7, 8]);
  const first = noise.randn(shape);
  const buffer = new Float32Array(512);
  const second = noise.randn(shape, buffer);
  assert.equal(second, buffer);
  for (const [i, seed] of [7, 8].entries()) {
    const g = new TorchGenerator(seed);
    assert.deepEqual(first.subarray(i * 256, (i + 1) * 256), g.randn([1, 4, 8, 8]));
    assert.deepEqual(second.subarray(i * 256, (i + 1) * 256), g.randn([1, 4, 8, 8]));
  }
  assert.throws(() => noise.randn([3, 4, 8, 8]), /batch of 3 from 2 seeds/);
});
