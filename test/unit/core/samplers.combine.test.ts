// combineInto, the one-pass form of the multistep updates, stores exactly what scaleInto followed by an
// addScaled per term stores: float32 rounding after each partial sum, zero weights dropping out (an
// infinite value under a zero weight stays out of the sum), float64 arrays through the passes themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addScaled, combineInto, scaleInto } from '../../../src/core/samplers/multistepCommon';

const n = 257;
const wave = (k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 10 ** ((i % 7) - 3));

function passes(c0: number, x: Float32Array, terms: [number, Float32Array][], f32: boolean): Float32Array {
  const out = new Float32Array(n);
  scaleInto(out, c0, x, f32);
  for (const [c, a] of terms) addScaled(out, c, a);
  return out;
}

test('one pass stores the values of a pass per term, bit for bit', () => {
  const [x, a, b, c, d] = [wave(0.37), wave(1.1), wave(2.3), wave(0.05), wave(3.7)];
  const weights = [0.9999, -1.234567, 0.3333333, 1e-3, -7.25];
  for (const f32 of [false, true]) {
    for (let count = 0; count <= 4; count++) {
      const terms = [a, b, c, d].slice(0, count).map((arr, k) => [weights[k + 1], arr] as [number, Float32Array]);
      const out = new Float32Array(n);
      combineInto(out, weights[0], x, terms, f32);
      assert.deepEqual(out, passes(weights[0], x, terms, f32), `${count} terms, f32 ${f32}`);
    }
  }
});

test('a zero weight drops its term, infinite values and all', () => {
  const x = wave(0.37);
  const inf = new Float32Array(n).fill(Infinity);
  const out = new Float32Array(n);
  combineInto(out, 0.5, x, [
    [0, inf],
    [2, wave(1.1)],
  ]);
  assert.ok(out.every(Number.isFinite));
  assert.deepEqual(out, passes(0.5, x, [[2, wave(1.1)]], false));
});
