import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFinite } from '../../../src/engine/finite';

test('allFinite finds NaN and ±Inf at any position, the tail past the last group of four included', () => {
  for (const length of [1, 3, 4, 9]) {
    assert.equal(allFinite(new Float32Array(length).fill(1)), true);
    for (let at = 0; at < length; at++) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const x = new Float32Array(length).fill(1);
        x[at] = bad;
        assert.equal(allFinite(x), false, `${bad} at ${at} of ${length}`);
        assert.equal(allFinite(Float64Array.from(x)), false, `float64: ${bad} at ${at} of ${length}`);
      }
    }
  }
});

test('allFinite: opposite infinities do not cancel, and the largest float32 values do not overflow', () => {
  assert.equal(allFinite(Float32Array.of(Infinity, -Infinity, 0, 0)), false);
  assert.equal(allFinite(Float32Array.of(Infinity, 0, 0, 0, -Infinity)), false);
  assert.equal(allFinite(new Float32Array(100_000).fill(3.4e38)), true);
  assert.equal(allFinite(Float64Array.of(1e308, 1e308)), true);
});
