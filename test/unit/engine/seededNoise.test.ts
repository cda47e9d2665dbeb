// Batch noise is each image's own seeded stream, whether the sampler passes a buffer or not; a run
// with a variation strength starts from A1111's blend of the seed's and the variation seed's noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestralNoiseSampler } from '../../../src/core/noise/ancestralNoise';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import { runNoise, seededNoise } from '../../../src/engine/seededNoise';
import { maxAbsDiff, readNoiseFixture } from '../core/noise/noiseCheck';

test('image i of a batch draws what a single run with seed i draws, into the given buffer', () => {
  const shape = [2, 4, 8, 8];
  const noise = seededNoise([7, 8]);
  const first = noise.randn(shape);
  const buffer = new Float32Array(512);
  const second = noise.randn(shape, buffer);
  assert.equal(second, buffer);
  for (const [i, seed] of [7, 8].entries()) {
    const g = new TorchGenerator(seed);
    assert.deepEqual(first.subarray(i * 256, (i + 1) * 256), g.randn([1, 4, 8, 8]));
    assert.deepEqual(second.subarray(i * 256, (i + 1) * 256), g.randn([1, 4, 8, 8]));
  }
  assert.throws(() => noise.randn([3, 4, 8, 8]), /batch of 3 from 2 seeds/);
});

test("an ENSD leaves x_T and draws the step noise as A1111's sampler noise with that delta", () => {
  const shape = [2, 4, 8, 8];
  const plain = runNoise({ seed: 7 }, shape);
  const delta = runNoise({ seed: 7, etaNoiseSeedDelta: 31337 }, shape);
  assert.deepEqual(delta.initial, plain.initial);
  // The core's A1111 step noise, checked against A1111's rng.py in ancestralNoise.test.ts.
  const a1111 = ancestralNoiseSampler({
    convention: 'a1111',
    seed: 7,
    imageShape: shape.slice(1),
    batchSize: 2,
    etaNoiseSeedDelta: 31337,
  });
  for (let call = 0; call < 2; call++) {
    assert.deepEqual(delta.noise.randn(shape), a1111(1, 0.5, new Float32Array(512)), `call ${call}`);
  }
  assert.notDeepEqual(plain.noise.randn(shape), runNoise({ seed: 7, etaNoiseSeedDelta: 1 }, shape).noise.randn(shape));
});

// A1111's own variation-seed draws (test/fixtures/reference/noise/initial.json, made by
// gen_noise_fixtures.py from stable-diffusion-webui's modules/rng.py).
interface VariationCase {
  convention: string;
  seed: number;
  batch: number;
  values: number[];
  subseed?: number;
  subseed_strength?: number;
}
const fixture = readNoiseFixture('initial.json');
const a1111 = (fixture.cases as VariationCase[]).filter(
  (c) => c.convention === 'a1111' && c.seed === 42 && c.batch === 2,
);

for (const c of a1111) {
  const strength = c.subseed_strength ?? 0;
  test(`run noise: seed 42, variation seed ${c.subseed ?? 'none'} at strength ${strength} is A1111's x_T`, () => {
    const latentShape = [2, ...fixture.shape];
    const { seeds, initial } = runNoise(
      { seed: 42, subseed: c.subseed, subseedStrength: c.subseed_strength },
      latentShape,
    );
    assert.ok(maxAbsDiff(initial, c.values) <= 1e-6, `max |Δ| ${maxAbsDiff(initial, c.values)}`);
    // A1111 keeps the seed for every image of a varied batch (processing.py all_seeds).
    assert.deepEqual(seeds, strength === 0 ? [42, 43] : [42, 42]);
  });
}

test('run noise: strength 0 is the plain seed, 1 the variation seed’s noise, the step noise the seed’s', () => {
  const shape = [1, 4, 8, 8];
  const plain = runNoise({ seed: 5 }, shape);
  const zero = runNoise({ seed: 5, subseed: 9, subseedStrength: 0 }, shape);
  assert.deepEqual(zero.initial, plain.initial);
  const full = runNoise({ seed: 5, subseed: 9, subseedStrength: 1 }, shape);
  assert.ok(maxAbsDiff(full.initial, [...new TorchGenerator(9).randn(shape)]) < 1e-5);
  const half = runNoise({ seed: 5, subseed: 9, subseedStrength: 0.5 }, shape);
  assert.ok(maxAbsDiff(half.initial, [...plain.initial]) > 0.1 && maxAbsDiff(half.initial, [...full.initial]) > 0.1);
  // After x_T, each image's generator continues where a plain run's does.
  assert.deepEqual(half.noise.randn(shape), plain.noise.randn(shape));
});
