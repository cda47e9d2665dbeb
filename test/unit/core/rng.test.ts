// The PyTorch-compatible generator against torch 1.13's own draws (every case of both fixture files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Mt19937 } from '../../../src/core/rng/mt19937';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';

const REF = join(__dirname, '../../fixtures/reference/torch');
const TOL = 1e-6; // PyTorch's AVX2 log/sin/cos differ from libm in the last bits.

interface Summary {
  values?: number[];
  head?: number[];
  tail?: number[];
  mean?: number;
  std?: number;
  sum_abs?: number;
}

function assertDraw(got: Float32Array, want: Summary, what: string): void {
  const near = (a: ArrayLike<number>, b: number[], off: number) => {
    for (let i = 0; i < b.length; i++) {
      assert.ok(Math.abs(a[i] - b[i]) <= TOL, `${what}[${off + i}]: ${a[i]} vs ${b[i]}`);
    }
  };
  if (want.values) {
    assert.equal(got.length, want.values.length, `${what}: length`);
    near(got, want.values, 0);
    return;
  }
  near(got.subarray(0, 64), want.head!, 0);
  near(got.subarray(got.length - 64), want.tail!, got.length - 64);
  let sum = 0;
  let sumAbs = 0;
  for (const v of got) {
    sum += v;
    sumAbs += Math.abs(v);
  }
  const mean = sum / got.length;
  let sq = 0;
  for (const v of got) sq += (v - mean) ** 2;
  const std = Math.sqrt(sq / (got.length - 1));
  assert.ok(Math.abs(mean - want.mean!) <= 1e-7, `${what} mean ${mean} vs ${want.mean}`);
  assert.ok(Math.abs(std - want.std!) <= 1e-7, `${what} std ${std} vs ${want.std}`);
  assert.ok(Math.abs(sumAbs - want.sum_abs!) <= 1e-6 * got.length, `${what} Σ|x| ${sumAbs} vs ${want.sum_abs}`);
}

test('mt19937 matches the reference sequence of std::mt19937 (seed 5489: 10000th output 4123659995)', () => {
  const mt = new Mt19937(5489);
  const first = mt.nextUint32();
  assert.equal(first, 3499211612);
  let last = first;
  for (let i = 1; i < 10000; i++) last = mt.nextUint32();
  assert.equal(last, 4123659995);
});

test('randn matches torch.randn for every case of randn.json (≥16 and <16 paths, repeated calls)', () => {
  const ref = JSON.parse(readFileSync(join(REF, 'randn.json'), 'utf8'));
  assert.equal(ref.cases.length, 6);
  for (const c of ref.cases) {
    const g = new TorchGenerator(c.seed);
    for (let k = 0; k < c.calls; k++) {
      const what = `seed ${c.seed} [${c.shape}] call ${k}`;
      const want: Summary = c.values
        ? { values: c.calls > 1 || Array.isArray(c.values[0]) ? c.values[k] : c.values }
        : { head: c.head[k], tail: c.tail[k], mean: c.mean[k], std: c.std[k], sum_abs: c.sum_abs[k] };
      assertDraw(g.randn(c.shape), want, what);
    }
  }
});

test('randn matches torch for tails, mixed-size call sequences (cached second normal), big and negative seeds', () => {
  const ref = JSON.parse(readFileSync(join(REF, 'randn_extra.json'), 'utf8'));
  assert.ok(ref.cases.length >= 14);
  for (const c of ref.cases) {
    const g = new TorchGenerator(BigInt(c.seed));
    c.shapes.forEach((shape: number[], k: number) =>
      assertDraw(g.randn(shape), c.draws[k], `seed ${c.seed} call ${k} [${shape}]`),
    );
  }
});

test('a seed given as number or bigint, or modulo 2^64, gives the same stream; different seeds differ', () => {
  const a = new TorchGenerator(42).randn([20]);
  assert.deepEqual(new TorchGenerator(42n).randn([20]), a);
  assert.deepEqual(new TorchGenerator(-1).randn([20]), new TorchGenerator(2n ** 64n - 1n).randn([20]));
  assert.notDeepEqual(new TorchGenerator(43).randn([20]), a);
  assert.deepEqual(
    new TorchGenerator(2 ** 60 + 2 ** 33 + 768).randn([3]),
    new TorchGenerator(768).randn([3]),
    'only the low 32 bits seed mt19937',
  );
});

test('bad seeds and shapes throw errors that name them', () => {
  assert.throws(() => new TorchGenerator(1.5), /seed.*1\.5/);
  assert.throws(() => new TorchGenerator(2n ** 64n), /outside/);
  assert.throws(() => new TorchGenerator(-(2n ** 63n) - 1n), /outside/);
  assert.throws(() => new TorchGenerator(0).randn([2, -1]), /shape \[2, -1\]/);
  assert.equal(new TorchGenerator(0).randn([0, 4]).length, 0);
});

test('randn into a caller buffer fills it with the values a fresh draw gives, and refuses a wrong size', () => {
  for (const shape of [[3], [2, 4, 5]]) {
    const buffer = new Float32Array(shape.reduce((a, b) => a * b));
    const g = new TorchGenerator(9);
    const fresh = new TorchGenerator(9);
    for (let call = 0; call < 3; call++) {
      const want = fresh.randn(shape);
      assert.equal(g.randn(shape, buffer), buffer);
      assert.deepEqual(buffer, want, `shape [${shape}] call ${call}`);
    }
  }
  assert.throws(
    () => new TorchGenerator(0).randn([2, 4], new Float32Array(7)),
    /out has 7 values but shape \[2, 4\] needs 8/,
  );
});
