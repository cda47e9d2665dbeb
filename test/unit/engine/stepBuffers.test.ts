// A run's step buffers (src/engine/stepBuffers.ts) live in the fused steps' memory, which the next run of
// the same size takes over: release() gives back latents that are the run's own, so they outlive it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StepBuffers } from '../../../src/engine/stepBuffers';

test('release copies latents held in the buffers, passes others through, and hands the memory on', () => {
  const shape = [1, 4, 2, 2];
  const first = new StepBuffers(shape, 2);
  const sample = first.out(1).prevSample;
  sample.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  const kept = first.release(sample);
  assert.notEqual(kept.data, sample.data, 'a copy');
  assert.deepEqual([...kept.data], [...sample.data]);
  const second = new StepBuffers(shape, 2);
  assert.equal(second.kernels, first.kernels, 'the next run of that size takes the memory over');
  second.out(1).prevSample.data.fill(0);
  assert.equal(kept.data[15], 16, 'the copy is untouched by the next run');
  const outside = { data: new Float32Array(16), shape };
  assert.equal(second.release(outside), outside);
  assert.notEqual(new StepBuffers([1, 4, 2, 3], 2).kernels, first.kernels, 'another size gets its own');
});
