// torch.randn's float32 fill in WebAssembly (src/core/rng/torchNormals.wat) against the same steps in
// JavaScript with Math.log, Math.cos and Math.sin: every uniform the generator can draw, and whole fills
// from seeded states, bit for bit (sign of zero included), the state continuing as one draw at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mt19937 } from '../../../../src/core/rng/mt19937';
import { boxMuller, fillNormals } from '../../../../src/core/rng/torchNormals';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';

const f32 = Math.fround;
const TWO_PI_F32 = f32(2 * Math.PI);

/** normal_fill_16 on values j, j + 8 of a block, in JavaScript's Math. */
function referenceBlock(data: Float32Array, at: number): void {
  for (let j = at; j < at + 8; j++) {
    const r = f32(Math.sqrt(f32(-2 * f32(Math.log(1 - data[j])))));
    const theta = f32(TWO_PI_F32 * data[j + 8]);
    [data[j], data[j + 8]] = [r * f32(Math.cos(theta)), r * f32(Math.sin(theta))];
  }
}

/** torch.randn's fill of `n` ≥ 16 values, one 32-bit draw at a time. */
function referenceFill(mt: Mt19937, n: number): Float32Array {
  const out = new Float32Array(n);
  const uniform = () => (mt.nextUint32() & 0xffffff) / 2 ** 24;
  for (let i = 0; i < n; i++) out[i] = uniform();
  for (let i = 0; i + 16 <= n; i += 16) referenceBlock(out, i);
  if (n % 16 !== 0) {
    for (let i = n - 16; i < n; i++) out[i] = uniform();
    referenceBlock(out, n - 16);
  }
  return out;
}

const same = (a: number, b: number) => Object.is(a, b);

test('Box–Muller of all 2²⁴ uniforms equals Math.log, Math.cos and Math.sin in float32', () => {
  // Each uniform k/2²⁴ goes in as u1 (the radius's log) and as u2 (the angle) of some pair.
  const CHUNK = 2 ** 20;
  const misses: string[] = [];
  for (let start = 0; start < 2 ** 24; start += CHUNK / 2) {
    const blocks = new Float32Array(CHUNK);
    for (let b = 0; b < CHUNK / 16; b++) {
      for (let j = 0; j < 8; j++) {
        blocks[b * 16 + j] = (start + b * 8 + j) / 2 ** 24;
        blocks[b * 16 + j + 8] = (start + b * 8 + j) / 2 ** 24;
      }
    }
    const want = Float32Array.from(blocks);
    for (let at = 0; at < CHUNK; at += 16) referenceBlock(want, at);
    boxMuller(blocks);
    for (let i = 0; i < CHUNK && misses.length < 5; i++) {
      if (!same(blocks[i], want[i])) misses.push(`value ${i} of chunk ${start}: ${blocks[i]} vs ${want[i]}`);
    }
  }
  assert.deepEqual(misses, []);
});

test('fills of any length from seeded states equal the draw-at-a-time fill, and the state goes on alike', () => {
  for (const seed of [0, 1, 42, 2 ** 31 + 7]) {
    // Lengths across the twist (624 draws), tails that are not a multiple of 16, SD's latent size.
    for (const n of [16, 17, 31, 624, 625, 1000, 16384, 100003]) {
      const [fast, slow] = [new Mt19937(seed), new Mt19937(seed)];
      fast.nextUint32(); // a state part-way through its words
      slow.nextUint32();
      const got = new Float32Array(n);
      fillNormals(fast, got);
      const want = referenceFill(slow, n);
      const first = got.findIndex((v, i) => !same(v, want[i]));
      assert.equal(first, -1, `seed ${seed}, n ${n}: value ${first} ${got[first]} vs ${want[first]}`);
      assert.equal(fast.nextUint32(), slow.nextUint32(), `seed ${seed}, n ${n}: the next draw`);
    }
  }
});

test('the generator interleaves fills with its small draws as one stream', () => {
  const g = new TorchGenerator(7);
  const mt = new Mt19937(7);
  const big = g.randn([40]);
  const small = g.randn([3]);
  assert.deepEqual([...big], [...referenceFill(mt, 40)]);
  // The small path's doubles come from the draws after the fill's.
  const again = new TorchGenerator(7);
  again.randn([40]);
  assert.deepEqual([...again.randn([3])], [...small]);
  assert.ok(small.every((v) => Number.isFinite(v) && v !== 0));
});
