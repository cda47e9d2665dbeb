// Gaussian noise from the core's PyTorch-compatible generator, one generator per image of a batch
// (seed, seed+1, …) so image i of a batch is the image a batch-1 run with its seed gives.
import { TorchGenerator } from '../core/rng/torchGenerator';
import type { NoiseSource } from '../core/rng/noiseSource';

export function seededNoise(seeds: number[]): NoiseSource {
  const generators = seeds.map((seed) => new TorchGenerator(seed));
  return {
    randn(shape: readonly number[], out?: Float32Array): Float32Array {
      const [n, ...rest] = shape;
      if (n !== generators.length) throw new RangeError(`noise for a batch of ${n} from ${generators.length} seeds`);
      const per = rest.reduce((a, b) => a * b, 1);
      const noise = out ?? new Float32Array(n * per);
      // Each image's draw goes straight into its slice: no per-step allocation when the sampler reuses `out`.
      generators.forEach((g, i) => g.randn([1, ...rest], noise.subarray(i * per, (i + 1) * per)));
      return noise;
    },
  };
}
