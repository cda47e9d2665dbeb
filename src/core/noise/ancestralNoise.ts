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
  switch (spec.convention) {
    case 'diffusers': {
      const generator = new TorchGenerator(spec.seed);
      generator.randn(shape);
      return drawAhead(spec, (out) => generator.randn(shape, out));
    }
    case 'comfyui': {
      const generator = new TorchGenerator(addSeed(spec.seed, 1));
      return drawAhead(spec, (out) => generator.randn(shape, out));
    }
    case 'a1111':
      return drawAhead(spec, a1111Draw(spec));
  }
}

/** Each image's generator fills its own part of the batch's noise. */
function a1111Draw(spec: NoiseRunSpec): (out: Float32Array) => Float32Array {
  const delta = spec.etaNoiseSeedDelta ?? 0;
  const generators = a1111ImageSeeds(spec).map((seed) => {
    if (delta !== 0) return new TorchGenerator(addSeed(seed, delta));
    const generator = new TorchGenerator(seed);
    generator.randn(spec.imageShape);
    return generator;
  });
  const size = imageSize(spec);
  return (out) => {
    generators.forEach((g, i) => g.randn(spec.imageShape, out.subarray(i * size, (i + 1) * size)));
    return out;
  };
}

/** The sampler over `draw`, able to make its next draw early (prefetch, while the UNet runs). Every call
 * returns the generators' next draw whether or not it was made early, so prefetching never changes an
 * image; a draw made early that no call asks for only costs its time. */
function drawAhead(spec: NoiseRunSpec, draw: (out: Float32Array) => Float32Array): NoiseSampler {
  const needed = imageSize(spec) * spec.batchSize;
  const early = new Float32Array(needed);
  let drawn = false;
  const sample: NoiseSampler = (_sigma, _sigmaNext, out) => {
    if (out.length !== needed) {
      throw new RangeError(`ancestral noise: out has ${out.length} values, the run needs ${needed}`);
    }
    if (!drawn) return draw(out);
    drawn = false;
    out.set(early);
    return out;
  };
  sample.prefetch = () => {
    if (!drawn) draw(early);
    drawn = true;
  };
  return sample;
}
