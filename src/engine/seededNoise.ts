// Gaussian noise from the core's PyTorch-compatible generator, one generator per image of a batch
// (seed, seed+1, …) so image i of a batch is the image a batch-1 run with its seed gives.
import { TorchGenerator } from '../core/rng/torchGenerator';
import type { NoiseSource } from '../core/rng/noiseSource';

export function seededNoise(seeds: number[]): NoiseSource {
  const generators = seeds.map((seed) => new TorchGenerator(seed));
  return {
    randn(shape: readonly number[]): Float32Array {
      const [n, ...rest] = shape;
      if (n !== generators.length) throw new RangeError(`noise for a batch of ${n} from ${generators.length} seeds`);
      const per = rest.reduce((a, b) => a * b, 1);
      const out = new Float32Array(n * per);
      generators.forEach((g, i) => out.set(g.randn([1, ...rest]), i * per));
      return out;
    },
  };
}
