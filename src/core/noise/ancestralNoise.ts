// The noise ancestral samplers (euler_ancestral, dpm_2_ancestral, dpmpp_2s_ancestral, ddpm, lcm,
// restart, …) draw once per call, as each tool draws it on the CPU.
import type { NoiseSampler } from '../kdiffusion/denoiser';
import { TorchGenerator } from '../rng/torchGenerator';
import { a1111ImageSeeds, addSeed, batchShape, checkNoiseRunSpec, imageSize, type NoiseRunSpec } from './conventions';

/** A NoiseSampler returning standard normal [batchSize, ...imageShape] noise per call (σ ignored):
 * - diffusers: the pipeline's one generator, continuing after x_T was drawn from it.
 * - comfyui: default_noise_sampler in comfy/k_diffusion/sampling.py: its own generator seeded
 *   seed + 1 on the CPU (so it does not repeat x_T), one randn for the batch per call.
 * - a1111: A1111 replaces k-diffusion's torch.randn_like by ImageRNG.next() (TorchHijack in
 *   modules/sd_samplers_common.py): each image's generator continues after its x_T, or, with an
 *   "Eta noise seed delta", restarts from that image's seed + delta. */
export function ancestralNoiseSampler(spec: NoiseRunSpec): NoiseSampler {
  checkNoiseRunSpec(spec);
  const shape = batchShape(spec);
  const needed = imageSize(spec) * spec.batchSize;
  const checked = (out: Float32Array) => {
    if (out.length === needed) return out;
    throw new RangeError(`ancestral noise: out has ${out.length} values, the run needs ${needed}`);
  };
  switch (spec.convention) {
    case 'diffusers': {
      const generator = new TorchGenerator(spec.seed);
      generator.randn(shape);
      return (_sigma, _sigmaNext, out) => generator.randn(shape, checked(out));
    }
    case 'comfyui': {
      const generator = new TorchGenerator(addSeed(spec.seed, 1));
      return (_sigma, _sigmaNext, out) => generator.randn(shape, checked(out));
    }
    case 'a1111':
      return a1111Sampler(spec, checked);
  }
}

function a1111Sampler(spec: NoiseRunSpec, checked: (out: Float32Array) => Float32Array): NoiseSampler {
  const delta = spec.etaNoiseSeedDelta ?? 0;
  const generators = a1111ImageSeeds(spec).map((seed) => {
    if (delta !== 0) return new TorchGenerator(addSeed(seed, delta));
    const generator = new TorchGenerator(seed);
    generator.randn(spec.imageShape);
    return generator;
  });
  const size = imageSize(spec);
  return (_sigma, _sigmaNext, out) => {
    checked(out);
    generators.forEach((g, i) => g.randn(spec.imageShape, out.subarray(i * size, (i + 1) * size)));
    return out;
  };
}
