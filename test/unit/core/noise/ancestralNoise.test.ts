// The per-step noise of ancestral samplers as diffusers, A1111 (ImageRNG.next, with and without an
// eta noise seed delta) and ComfyUI (default_noise_sampler) draw it: four calls after x_T, against
// their own draws (fixtures/reference/noise/ancestral.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestralNoiseSampler } from '../../../../src/core/noise/ancestralNoise';
import { initialNoise } from '../../../../src/core/noise/initialNoise';
import type { NoiseConvention } from '../../../../src/core/noise/conventions';
import { maxAbsDiff, readNoiseFixture } from './noiseCheck';

interface Case {
  convention: NoiseConvention;
  seed: number;
  batch: number;
  calls: number[][];
  eta_noise_seed_delta?: number;
}
const fixture = readNoiseFixture('ancestral.json');
const TOL = 1e-6;

for (const c of fixture.cases as Case[]) {
  const delta = c.eta_noise_seed_delta ? ` ENSD ${c.eta_noise_seed_delta}` : '';
  test(`ancestral noise: ${c.convention} seed ${c.seed} batch ${c.batch}${delta}, ${c.calls.length} calls`, () => {
    const sampler = ancestralNoiseSampler({
      convention: c.convention,
      seed: c.seed,
      imageShape: fixture.shape,
      batchSize: c.batch,
      etaNoiseSeedDelta: c.eta_noise_seed_delta,
    });
    const out = new Float32Array(c.calls[0].length);
    c.calls.forEach((want, k) => {
      const diff = maxAbsDiff(sampler(1, 0.5, out), want);
      assert.ok(diff <= TOL, `call ${k}: max |Δ| ${diff}`);
    });
  });
}

test('ancestral noise: ComfyUI on the CPU does not repeat the initial noise (its generator is seeded seed + 1)', () => {
  const spec = { convention: 'comfyui' as const, seed: 5, imageShape: [4, 4, 4], batchSize: 1 };
  const first = ancestralNoiseSampler(spec)(1, 0.5, new Float32Array(64));
  assert.deepEqual(first, initialNoise({ ...spec, seed: 6 }));
  assert.notDeepEqual(first, initialNoise(spec));
});

test('ancestral noise: an out buffer of the wrong size is refused', () => {
  const sampler = ancestralNoiseSampler({ convention: 'diffusers', seed: 1, imageShape: [4, 4, 4], batchSize: 2 });
  assert.throws(() => sampler(1, 0.5, new Float32Array(64)), /out has 64 values, the run needs 128/);
});

test('ancestral noise: draws made early (prefetch) come back in order, so prefetching changes no value', () => {
  const specs = [
    { convention: 'diffusers' as const, seed: 3, imageShape: [4, 4, 4], batchSize: 2 },
    { convention: 'comfyui' as const, seed: 3, imageShape: [4, 4, 4], batchSize: 2 },
    { convention: 'a1111' as const, seed: 3, imageShape: [4, 4, 4], batchSize: 2, etaNoiseSeedDelta: 31337 },
  ];
  for (const spec of specs) {
    const draws = (sampler: ReturnType<typeof ancestralNoiseSampler>, early: boolean[]) =>
      early.map((ahead) => {
        if (ahead) {
          sampler.prefetch!(1, 0.5);
          sampler.prefetch!(1, 0.5); // a second one waits for the first to be taken
        }
        return Array.from(sampler(1, 0.5, new Float32Array(128)));
      });
    const plain = draws(ancestralNoiseSampler(spec), [false, false, false, false, false]);
    const ahead = draws(ancestralNoiseSampler(spec), [true, false, true, true, false]);
    assert.deepEqual(ahead, plain, spec.convention);
    assert.notDeepEqual(plain[0], plain[1], 'each call a new draw');
  }
});
