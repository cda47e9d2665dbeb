import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromFloat16, toFloat16 } from '../../../src/engine/float16';

test('float16 conversion: exact values, rounding to nearest even, subnormals, overflow, NaN', () => {
  const values = Float32Array.of(
    0,
    1,
    -2,
    0.5,
    65504,
    2 ** -24,
    2 ** -14,
    70000,
    Infinity,
    -Infinity,
    1 + 2 ** -11,
    1 + 3 * 2 ** -11,
  );
  const bits = toFloat16(values);
  assert.deepEqual(
    [...bits],
    [0x0000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x0400, 0x7c00, 0x7c00, 0xfc00, 0x3c00, 0x3c02],
  );
  assert.deepEqual(
    [...fromFloat16(bits)],
    [0, 1, -2, 0.5, 65504, 2 ** -24, 2 ** -14, Infinity, Infinity, -Infinity, 1, 1 + 2 ** -9],
  );
  assert.ok(Number.isNaN(fromFloat16(toFloat16(Float32Array.of(NaN)))[0]));
});
