// stepMath.wat against the JavaScript loops it replaced (lincomb: each term's product in float64, summed from
// 0 in the terms' order, rounded to float32 once when stored; Euler ancestral: rounded after each of its three
// expressions): every bit, on lengths around the four-value blocks and on values from subnormal to huge,
// signed zeros, infinities and NaN included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eulerAncestralInto, lincombInto } from '../../../../src/core/kdiffusion/stepMathKernel';
import { lincomb } from '../../../../src/core/kdiffusion/stepMath';

/** Float32 values of every scale and sign from a fixed sequence, with the special values at its start. */
function values(n: number, salt: number): Float32Array {
  const out = new Float32Array(n);
  let s = salt;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = (s % 7 === 0 ? -1 : 1) * (s / 2 ** 31) * 2 ** ((s % 300) - 150);
  }
  const special = [0, -0, -1e-45, 3.4e38, -Infinity, Infinity, NaN];
  out.set(special.slice(0, Math.max(0, Math.min(n - 1, special.length))), 1);
  return out;
}

/** The former JavaScript loop. */
function reference(coefs: number[], arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays[0].length);
  for (let j = 0; j < out.length; j++) {
    let s = 0;
    for (let k = 0; k < coefs.length; k++) s += coefs[k] * arrays[k][j];
    out[j] = s;
  }
  return out;
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

test('lincombInto: the JavaScript loop, bit for bit, for 1 to 6 terms', () => {
  const coefs = [0.9048374180359595, -1.7e-3, 1 / 3, -2.5e10, 7e-40, -1];
  for (const n of [1, 3, 4, 5, 17, 1000, 16384]) {
    for (let count = 1; count <= coefs.length; count++) {
      const arrays = Array.from({ length: count }, (_, k) => values(n, 31 * n + k));
      const got = lincombInto(coefs.slice(0, count), arrays, new Float32Array(n));
      assert.deepEqual(bits(got), bits(reference(coefs.slice(0, count), arrays)), `n ${n}, ${count} terms`);
    }
  }
});

test('lincombInto: a shorter call after a longer one reads only its own values', () => {
  const long = [values(20000, 1), values(20000, 2), values(20000, 3)];
  lincombInto([1, 2, 3], long, new Float32Array(20000));
  const short = [values(6, 4), values(6, 5)];
  assert.deepEqual(bits(lincombInto([0.5, -2], short, new Float32Array(6))), bits(reference([0.5, -2], short)));
});

test('lincomb: leaves its terms as they were and returns a new array', () => {
  const [a, b] = [values(9, 6), values(9, 7)];
  const [aBits, bBits] = [bits(a), bits(b)];
  const out = lincomb([
    [2, a],
    [-1, b],
  ]);
  assert.notEqual(out, a);
  assert.deepEqual([bits(a), bits(b)], [aBits, bBits]);
  assert.deepEqual(bits(out), bits(reference([2, -1], [a, b])));
});

/** The former JavaScript loop of eulerAncestralStep. */
function ancestralReference(x: Float32Array, d: Float32Array, z: Float32Array | undefined, [a, b, h, c]: number[]) {
  const f = Math.fround;
  return x.map((xj, j) => {
    const moved = f(0 + xj + h * f(0 + a * xj + b * d[j]));
    return z ? f(0 + moved + c * z[j]) : moved;
  });
}

test('eulerAncestralInto: the JavaScript loop, bit for bit, with and without noise', () => {
  const coefs = [1 / 14.6, -1 / 14.6, 9.3 - 14.6, 3.9];
  for (const n of [1, 3, 4, 5, 17, 1000, 16384]) {
    const [x, d, z] = [values(n, n), values(n, n + 1), values(n, n + 2)];
    for (const noise of [z, undefined]) {
      const got = eulerAncestralInto(x, d, noise, coefs as [number, number, number, number], new Float32Array(n));
      assert.deepEqual(bits(got), bits(ancestralReference(x, d, noise, coefs)), `n ${n}, noise ${!!noise}`);
    }
  }
});

test('the passes refuse arrays of another length than the result, naming both', () => {
  const [a, b] = [values(8, 1), values(7, 2)];
  assert.throws(() => lincombInto([1, 1], [a, b], new Float32Array(8)), /an array of 7 values where 8 were expected/);
  const coefs = [1, -1, 0.5, 1] as const;
  assert.throws(() => eulerAncestralInto(a, a, b, coefs, new Float32Array(8)), /7 values where 8/);
});
