import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanStd, toStepFrame } from '../../../../src/extension/workbench/stepFrame';

test('a step frame keeps batch item 0 and the statistics of the whole x_t', () => {
  const xt = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]); // batch 2 × 1 channel × 2 × 2
  const frame = toStepFrame({
    step: 3,
    totalSteps: 10,
    t: 700,
    sigma: 2.5,
    latentShape: [2, 1, 2, 2],
    xt,
    x0: xt.map((v) => -v),
    noiseNorm: 0.9,
  });
  assert.deepEqual(frame.latentShape, [1, 2, 2]);
  assert.deepEqual([...frame.xt!], [1, 2, 3, 4]);
  assert.deepEqual([...frame.x0!], [-1, -2, -3, -4]);
  // A copy of exactly one item, not a view on the batch.
  assert.equal(frame.xt!.buffer.byteLength, 16);
  assert.equal(frame.mean, 13.75);
  assert.ok(Math.abs(frame.std - meanStd(xt).std) < 1e-12 && frame.std > 13);
});

test('mean and std match the textbook values', () => {
  const { mean, std } = meanStd(Float32Array.from([2, 4, 4, 4, 5, 5, 7, 9]));
  assert.equal(mean, 5);
  assert.equal(std, 2);
});
