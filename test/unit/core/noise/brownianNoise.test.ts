// torchsde's Brownian tree as k-diffusion (A1111) and ComfyUI query it, against their own draws:
// every query the real dpmpp_2m_sde and dpmpp_sde samplers made over a 10-step Karras schedule
// (fixtures/reference/noise/brownian.json, made by gen_noise_fixtures.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brownianTreeNoiseSampler } from '../../../../src/core/noise/brownianNoiseSampler';
import { BrownianTree } from '../../../../src/core/noise/brownianTree';
import type { NoiseConvention } from '../../../../src/core/noise/conventions';
import { maxAbsDiff, readNoiseFixture } from './noiseCheck';

interface Query {
  sigma: number;
  sigma_next: number;
  values: number[];
}
interface Case {
  convention: NoiseConvention;
  sampler: string;
  seed: number;
  batch: number;
  queries: Query[];
}
const fixture = readNoiseFixture('brownian.json');
const TOL = 1e-6;

const positive = (fixture.sigmas as number[]).filter((s) => s > 0);
for (const c of fixture.cases as Case[]) {
  const name = `${c.convention} ${c.sampler} seed ${c.seed} batch ${c.batch} (${c.queries.length} queries)`;
  test(`Brownian-tree noise: ${name}`, () => {
    const sampler = brownianTreeNoiseSampler({
      convention: c.convention,
      seed: BigInt(c.seed),
      imageShape: fixture.shape,
      batchSize: c.batch,
      sigmaMin: Math.min(...positive),
      sigmaMax: Math.max(...positive),
    });
    const out = new Float32Array(c.queries[0].values.length);
    c.queries.forEach((q, k) => {
      const diff = maxAbsDiff(sampler(q.sigma, q.sigma_next, out), q.values);
      assert.ok(diff <= TOL, `query ${k} (${q.sigma} → ${q.sigma_next}): max |Δ| ${diff}`);
    });
  });
}

test('Brownian-tree noise: A1111 gives each image its own tree, so image 2 of seed S is image 1 of S + 1', () => {
  const spec = { convention: 'a1111' as const, imageShape: [4, 4, 4], sigmaMin: 0.03, sigmaMax: 14.6 };
  const pair = brownianTreeNoiseSampler({ ...spec, seed: 7, batchSize: 2 })(14.6, 9.1, new Float32Array(128));
  const single = brownianTreeNoiseSampler({ ...spec, seed: 8, batchSize: 1 })(14.6, 9.1, new Float32Array(64));
  assert.deepEqual(pair.subarray(64), single);
});

test('Brownian-tree noise: increments over adjacent steps add up to the increment over both', () => {
  const sampler = brownianTreeNoiseSampler({
    convention: 'comfyui',
    seed: 3,
    imageShape: [4, 4, 4],
    batchSize: 1,
    sigmaMin: 0.03,
    sigmaMax: 14.6,
  });
  const scale = (a: number, b: number) => Math.sqrt(Math.abs(Math.fround(b) - Math.fround(a)));
  const w = (a: number, b: number) => sampler(a, b, new Float32Array(64)).map((v) => v * scale(a, b));
  const [first, second, whole] = [w(14.6, 5), w(5, 1), w(14.6, 1)];
  assert.ok(
    maxAbsDiff(
      first.map((v, i) => v + second[i]),
      [...whole],
    ) < 1e-5,
  );
});

test('Brownian-tree noise: bad ranges and conventions are refused', () => {
  const base = { convention: 'comfyui' as const, seed: 1, imageShape: [4, 8, 8], batchSize: 1 };
  assert.throws(() => brownianTreeNoiseSampler({ ...base, sigmaMin: 0, sigmaMax: 14 }), /0 < sigmaMin < sigmaMax/);
  assert.throws(() => brownianTreeNoiseSampler({ ...base, sigmaMin: 2, sigmaMax: 1 }), /0 < sigmaMin < sigmaMax/);
  assert.throws(
    () => brownianTreeNoiseSampler({ ...base, convention: 'diffusers', sigmaMin: 1, sigmaMax: 2 }),
    /a1111 and a comfyui convention only/,
  );
  assert.throws(() => brownianTreeNoiseSampler({ ...base, seed: -1, sigmaMin: 1, sigmaMax: 2 }), /non-negative/);
});

test('Brownian tree: times closer than its 1e-6 tolerance give a zero increment, as equal times do', () => {
  const tree = new BrownianTree(0.03, 14.6, 16, 5n);
  assert.deepEqual(tree.increment(1, 1.0000001), new Float32Array(16));
  assert.notDeepEqual(tree.increment(1, 1.00001), new Float32Array(16));
});

/** A small tree's spec over SD's σ range, and steps down it. */
const small = (convention: NoiseConvention, seed: number, batchSize: number) =>
  ({ convention, seed, imageShape: [4, 4, 4], batchSize, sigmaMin: 0.03, sigmaMax: 14.6 }) as const;
const QUERIES: [number, number][] = [
  [14.6, 9.1],
  [9.1, 5.5],
  [5.5, 0.2],
  [0.2, 0.03],
];

test('Brownian-tree noise: a query gives the same noise whatever was queried before (halfway tree)', () => {
  const [spec, queries] = [small('comfyui', 11, 1), QUERIES];
  const forward = brownianTreeNoiseSampler(spec);
  const backward = brownianTreeNoiseSampler(spec);
  const inOrder = queries.map(([a, b]) => forward(a, b, new Float32Array(64)));
  const reversed = [...queries]
    .reverse()
    .map(([a, b]) => backward(a, b, new Float32Array(64)))
    .reverse();
  assert.deepEqual(reversed, inOrder);
});

test('Brownian-tree noise: prefetching a query changes nothing it gives, and a repeated query is a new array', () => {
  const spec = small('a1111', 3, 2);
  const plain = brownianTreeNoiseSampler(spec);
  const ahead = brownianTreeNoiseSampler(spec);
  const prefetch = ahead.prefetch;
  assert.ok(prefetch, 'the Brownian sampler can work ahead');
  for (const [a, b] of QUERIES) {
    prefetch(a, b);
    // An unrelated query in between, as DPM++ SDE makes one at a σ between.
    ahead(a, (a + b) / 2, new Float32Array(128));
    prefetch(a, b);
    assert.deepEqual(ahead(a, b, new Float32Array(128)), plain(a, b, new Float32Array(128)));
  }
  const tree = new BrownianTree(0.03, 14.6, 16, 5n);
  const first = tree.increment(1, 2);
  const kept = Float32Array.from(first);
  first.fill(99);
  assert.deepEqual(tree.increment(1, 2), kept, 'changing an answer does not change the next');
});
