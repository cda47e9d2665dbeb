// The Brownian tree's WebAssembly arithmetic (brownianBridge.wat) against the same float32 operations in
// JavaScript (Math.fround after each double operation, which for +, − and × of float32 values is the IEEE
// float32 result): every bit, on lengths around the four-value blocks and on values from subnormal to huge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addInto, bridgeChildren } from '../../../../src/core/noise/bridgeKernel';

const f32 = Math.fround;

/** Float32 values of every scale, signs and zeros included, from a fixed sequence. */
function values(n: number, salt: number): Float32Array {
  const out = new Float32Array(n);
  let s = salt;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const scale = 2 ** ((s % 300) - 150);
    out[i] = (s % 7 === 0 ? -1 : 1) * (s / 2 ** 31) * scale;
  }
  if (n > 2) [out[0], out[1]] = [0, -1e-45];
  return out;
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

test('bridgeChildren: left and right are the float32 operations of brownianTree.ts, bit for bit', () => {
  for (const n of [1, 3, 4, 5, 17, 1000, 16384]) {
    const [w, z] = [values(n, n), values(n, n + 7)];
    const [a, b, s] = [f32(0.37), f32(1.9), f32(0.61)];
    const left = new Float32Array(n);
    const right = new Float32Array(n);
    bridgeChildren(w, z, [a, b, s], left, right);
    const wantLeft = w.map((wi, i) => f32(f32(a * wi) * b) + f32(s * z[i]));
    const wantRight = w.map((wi, i) => wi - wantLeft[i]);
    assert.deepEqual(bits(left), bits(wantLeft), `left, n ${n}`);
    assert.deepEqual(bits(right), bits(wantRight), `right, n ${n}`);
  }
});

test('addInto: a float32 sum, bit for bit, leaving the added array as it was', () => {
  for (const n of [2, 4, 9, 16384]) {
    const into = values(n, 3 * n);
    const from = values(n, 5 * n);
    const kept = Float32Array.from(from);
    const want = into.map((v, i) => v + from[i]);
    addInto(into, from);
    assert.deepEqual(bits(into), bits(want), `n ${n}`);
    assert.deepEqual(from, kept);
  }
});
