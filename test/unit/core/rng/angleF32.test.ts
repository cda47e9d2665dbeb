// polarF32 against libm: at every angle the seeded generator can draw (θ = 2π·k/2²⁴ in float32, as
// torchGenerator.ts forms it), cos and sin round to the float32 of Math.cos and Math.sin, sign of
// zero included, so its noise is the noise Math.cos and Math.sin gave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { polarF32 } from '../../../../src/core/rng/angleF32';

const f32 = Math.fround;
const TWO_PI_F32 = f32(2 * Math.PI);

test('cos and sin of all 2²⁴ Box–Muller angles equal Math.cos and Math.sin in float32', () => {
  const out = new Float32Array(2);
  const misses: string[] = [];
  for (let k = 0; k < 2 ** 24; k++) {
    const theta = f32(TWO_PI_F32 * (k / 2 ** 24));
    polarF32(out, 0, 1, 1, theta);
    const [c, s] = [f32(Math.cos(theta)), f32(Math.sin(theta))];
    if (!Object.is(out[0], c) || !Object.is(out[1], s)) misses.push(`θ=${theta}: ${out[0]}, ${out[1]} vs ${c}, ${s}`);
  }
  assert.deepEqual(misses.slice(0, 5), []);
});

test('the radius scales both values and each lands at its own index', () => {
  const out = new Float32Array(10).fill(7);
  polarF32(out, 2, 9, 2.5, f32(TWO_PI_F32 * 0.3));
  const theta = f32(TWO_PI_F32 * 0.3);
  assert.equal(out[2], f32(2.5 * f32(Math.cos(theta))));
  assert.equal(out[9], f32(2.5 * f32(Math.sin(theta))));
  assert.deepEqual([...out].filter((v) => v === 7).length, 8);
});
