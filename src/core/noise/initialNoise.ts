// The initial latent noise x_T (before scaling by σ_max) as each tool draws it on the CPU.
import { TorchGenerator } from '../rng/torchGenerator';
import { a1111Slerp } from './a1111Slerp';
import { a1111ImageSeeds, addSeed, batchShape, checkNoiseRunSpec, imageSize, type NoiseRunSpec } from './conventions';

/** Standard normal latents [batchSize, ...imageShape], C order:
 * - diffusers: one `torch.randn(shape, generator)` for the whole batch (randn_tensor in
 *   diffusers/utils/torch_utils.py, called by every pipeline's prepare_latents).
 * - comfyui: comfy/sample.py prepare_noise: `torch.manual_seed(seed)` and one randn for the batch;
 *   with a latent `batch_index`, single-image tensors are drawn for indices 0..max and each image
 *   takes the one of its index.
 * - a1111: modules/rng.py ImageRNG.first(): one generator per image seeded with that image's seed,
 *   one [C, H, W] draw each; with a variation strength, the noise of subseed + i is drawn from a
 *   fresh generator and blended in by A1111's slerp. */
export function initialNoise(spec: NoiseRunSpec): Float32Array {
  checkNoiseRunSpec(spec);
  switch (spec.convention) {
    case 'diffusers':
      return new TorchGenerator(spec.seed).randn(batchShape(spec));
    case 'comfyui':
      if (spec.batchIndex) return comfyIndexedNoise(spec, spec.batchIndex);
      return new TorchGenerator(spec.seed).randn(batchShape(spec));
    case 'a1111':
      return a1111Noise(spec);
  }
}

function comfyIndexedNoise(spec: NoiseRunSpec, batchIndex: readonly number[]): Float32Array {
  const generator = new TorchGenerator(spec.seed);
  const wanted = new Set(batchIndex);
  const drawn = new Map<number, Float32Array>();
  for (let i = 0; i <= Math.max(...batchIndex); i++) {
    const noise = generator.randn([1, ...spec.imageShape]);
    if (wanted.has(i)) drawn.set(i, noise);
  }
  return concat(
    batchIndex.map((i) => drawn.get(i)!),
    imageSize(spec),
  );
}

function a1111Noise(spec: NoiseRunSpec): Float32Array {
  const strength = spec.subseedStrength ?? 0;
  const images = a1111ImageSeeds(spec).map((seed, i) => {
    const noise = new TorchGenerator(seed).randn(spec.imageShape);
    if (strength === 0) return noise;
    const subnoise = new TorchGenerator(addSeed(spec.subseed!, i)).randn(spec.imageShape);
    return a1111Slerp(strength, noise, subnoise, spec.imageShape);
  });
  return concat(images, imageSize(spec));
}

function concat(parts: readonly Float32Array[], size: number): Float32Array {
  const out = new Float32Array(parts.length * size);
  parts.forEach((part, i) => out.set(part, i * size));
  return out;
}
