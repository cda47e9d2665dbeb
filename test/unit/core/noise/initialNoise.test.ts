// The initial latents of diffusers, A1111 (ImageRNG.first, variation seeds) and ComfyUI
// (prepare_noise, batch_index) against their own draws (fixtures/reference/noise/initial.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialNoise } from '../../../../src/core/noise/initialNoise';
import type { NoiseConvention } from '../../../../src/core/noise/conventions';
import { maxAbsDiff, readNoiseFixture } from './noiseCheck';

interface Case {
  convention: NoiseConvention;
  seed: number;
  batch: number;
  values: number[];
  batch_index?: number[];
  subseed?: number;
  subseed_strength?: number;
}
const fixture = readNoiseFixture('initial.json');
const TOL = 1e-6;

for (const c of fixture.cases as Case[]) {
  const subseed = c.subseed !== undefined ? ` subseed ${c.subseed} × ${c.subseed_strength}` : '';
  const extra = c.batch_index ? ` batch_index [${c.batch_index}]` : subseed;
  test(`initial noise: ${c.convention} seed ${c.seed} batch ${c.batch}${extra}`, () => {
    const noise = initialNoise({
      convention: c.convention,
      seed: c.seed,
      imageShape: fixture.shape,
      batchSize: c.batch,
      batchIndex: c.batch_index,
      subseed: c.subseed,
      subseedStrength: c.subseed_strength,
    });
    const diff = maxAbsDiff(noise, c.values);
    assert.ok(diff <= TOL, `max |Δ| ${diff}`);
  });
}

test('initial noise: A1111 batches are per-image seeds, so image 2 of seed S is image 1 of seed S + 1', () => {
  const spec = { convention: 'a1111' as const, imageShape: [4, 4, 4], batchSize: 2 };
  const pair = initialNoise({ ...spec, seed: 7 });
  const single = initialNoise({ ...spec, seed: 8, batchSize: 1 });
  assert.deepEqual(pair.subarray(64), single);
});

test('initial noise: bad specs are refused with the reason', () => {
  const base = { convention: 'comfyui' as const, seed: 1, imageShape: [4, 8, 8], batchSize: 2 };
  const unknown = 'nai' as NoiseConvention;
  assert.throws(() => initialNoise({ ...base, convention: unknown }), /unknown noise convention "nai"/);
  assert.throws(() => initialNoise({ ...base, batchSize: 0 }), /invalid batch size 0/);
  assert.throws(() => initialNoise({ ...base, imageShape: [4, 0, 8] }), /invalid image shape/);
  assert.throws(() => initialNoise({ ...base, subseed: 3 }), /belong to the a1111 noise convention/);
  assert.throws(() => initialNoise({ ...base, batchIndex: [0] }), /batchIndex has 1 entries for a batch of 2/);
  assert.throws(() => initialNoise({ ...base, convention: 'a1111', subseedStrength: 0.5 }), /needs a subseed/);
  assert.throws(() => initialNoise({ ...base, seed: 0.5 }), /seed must be an integer/);
});
