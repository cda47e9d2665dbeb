// A1111's "Original" emphasis: rows × weight, then the chunk rescaled to its former mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEmphasis } from '../../../../src/core/prompt/emphasis';

test('each row is multiplied by its weight and the whole rescaled to the original mean', () => {
  const z = Float32Array.from([1, 2, 3, 4, 5, 6]);
  applyEmphasis(z, [1, 2, 0.5]);
  // Rows ×[1, 2, 0.5] give [1, 2, 6, 8, 2.5, 3] (mean 22.5/6); the mean was 21/6.
  const k = 21 / 22.5;
  assert.deepEqual(
    Array.from(z),
    [1, 2, 6, 8, 2.5, 3].map((v) => Math.fround(Math.fround(v) * k)),
  );
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  assert.ok(Math.abs(mean - 3.5) < 1e-6);
});

test('all weights 1 leave the values bit for bit; a bad shape is refused', () => {
  const z = Float32Array.from([0.1, -0.2, 0.3, 0.7]);
  const before = Float32Array.from(z);
  applyEmphasis(z, [1, 1]);
  assert.deepEqual(z, before);
  assert.throws(() => applyEmphasis(z, [1, 2, 3]), /not 3 rows/);
});
