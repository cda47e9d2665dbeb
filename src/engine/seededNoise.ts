// Gaussian noise from the core's PyTorch-compatible generator, one generator per image of a batch
// (seed, seed+1, …) so image i of a batch is the image a batch-1 run with its seed gives.
// With a variation strength or an eta noise seed delta the run follows A1111 (modules/rng.py ImageRNG).
import { addSeed } from '../core/noise/conventions';
import { initialNoise } from '../core/noise/initialNoise';
import { TorchGenerator, type GeneratorPosition } from '../core/rng/torchGenerator';
import type { NoiseSource } from '../core/rng/noiseSource';
import { isVaried, type RunSpec } from '../protocol/run';
import { ThenAhead } from './noiseAhead';
import { batchDrawSize } from './noiseShape';

/** A run's per-image seeds, its noise source (for samplers that add noise each step) and its
 * initial noise x_T before scaling by the initial σ, for latents [batch, ...imageShape]. Without a
 * variation strength image i has seed + i. With one, as in A1111 (processing.py all_seeds, rng.py
 * ImageRNG.first), every image keeps the seed and blends in the noise of subseed + i by A1111's
 * slerp; the step noise still comes from the seeds' generators. With an eta noise seed delta (ENSD) the step
 * noise comes from new generators seeded seed + delta, as ImageRNG.first makes them after x_T. With
 * `stepNoise` (a scheduler that draws noise at its steps) the step noise is drawn ahead from the first step on. */
export function runNoise(
  spec: Pick<RunSpec, 'seed' | 'subseed' | 'subseedStrength' | 'etaNoiseSeedDelta'>,
  latentShape: readonly number[],
  stepNoise = false,
): { seeds: number[]; noise: NoiseSource; initial: Float32Array } {
  const [batchSize, ...imageShape] = latentShape;
  const varied = isVaried(spec);
  const seeds = Array.from({ length: batchSize }, (_, i) => (spec.seed + (varied ? 0 : i)) % 2 ** 32);
  const noise = seededNoise(seeds);
  // Drawn in every case: it moves each generator past x_T, where the step noise starts.
  const first = noise.randn(latentShape);
  const initial = varied
    ? initialNoise({
        convention: 'a1111',
        seed: spec.seed,
        imageShape,
        batchSize,
        subseed: spec.subseed,
        subseedStrength: spec.subseedStrength,
      })
    : first;
  const delta = spec.etaNoiseSeedDelta ?? 0;
  const steps = delta ? seededNoise(seeds.map((s) => addSeed(s, delta))) : noise;
  if (stepNoise) steps.expect(latentShape);
  return { seeds, noise: steps, initial };
}

/** The seeds' generators, handed to the noise worker once a run draws step noise (noiseAhead.ts). */
export function seededNoise(seeds: readonly (number | bigint)[]): ThenAhead {
  return new ThenAhead(new SeededNoise(seeds.map((seed) => new TorchGenerator(seed))));
}

/** One generator per image of a batch: image i's draw comes from generator i. */
export class SeededNoise implements NoiseSource {
  constructor(private readonly generators: readonly TorchGenerator[]) {}

  static at(positions: readonly GeneratorPosition[]): SeededNoise {
    return new SeededNoise(positions.map((p) => TorchGenerator.at(p)));
  }

  randn(shape: readonly number[], out?: Float32Array): Float32Array {
    const { generators } = this;
    const size = batchDrawSize(shape, generators.length, out);
    const noise = out ?? new Float32Array(size);
    const [, ...rest] = shape;
    const per = rest.reduce((a, b) => a * b, 1);
    // Each image's draw goes straight into its slice: no per-step allocation when the sampler reuses `out`.
    generators.forEach((g, i) => g.randn([1, ...rest], noise.subarray(i * per, (i + 1) * per)));
    return noise;
  }

  /** Where each generator's stream is (SeededNoise.at continues them). */
  positions(): GeneratorPosition[] {
    return this.generators.map((g) => g.position());
  }

  /** Generators at these ones' positions, drawing what they would draw next. */
  clone(): SeededNoise {
    return SeededNoise.at(this.positions());
  }
}
