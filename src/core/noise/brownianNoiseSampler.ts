// The noise of the SDE samplers (DPM++ SDE, 2M SDE, 3M SDE): k-diffusion's BrownianTreeNoiseSampler
// over BatchedBrownianTree (crowsonkb/k-diffusion k_diffusion/sampling.py; ComfyUI's copy in
// comfy/k_diffusion/sampling.py builds the tree on the CPU, `cpu=True`). The noise for σ → σ_next is
// the Brownian increment over [σ_next, σ] divided by √|σ_next − σ|, so it is standard normal and
// consistent across steps: a finer query pattern refines the same path.
import type { NoiseSampler } from '../kdiffusion/denoiser';
import { BrownianTree } from './brownianTree';
import { a1111ImageSeeds, checkNoiseRunSpec, imageSize, type NoiseRunSpec } from './conventions';

const f32 = Math.fround;

export interface BrownianNoiseSpec extends NoiseRunSpec {
  /** The tree's range: the smallest positive σ and the largest σ of the schedule, as both tools take
   * them (`sigmas[sigmas > 0].min()`, `sigmas.max()`). */
  sigmaMin: number;
  sigmaMax: number;
}

/** ComfyUI: one tree with entropy = the run seed over the whole batch. A1111 (create_noise_sampler
 * in modules/sd_samplers_kdiffusion.py): one tree per image with entropy = that image's seed, so an
 * image's noise does not depend on the batch. diffusers draws it differently (its own seed), so it
 * has no convention here. σ values are taken as float32, as the tools hold them. */
export function brownianTreeNoiseSampler(spec: BrownianNoiseSpec): NoiseSampler {
  checkNoiseRunSpec(spec);
  if (spec.convention === 'diffusers') {
    throw new RangeError('the Brownian-tree noise has an a1111 and a comfyui convention only');
  }
  const { sigmaMin, sigmaMax } = spec;
  if (!(sigmaMin > 0 && sigmaMin < sigmaMax && Number.isFinite(sigmaMax))) {
    throw new RangeError(`brownianTreeNoiseSampler: need 0 < sigmaMin < sigmaMax, got ${sigmaMin} and ${sigmaMax}`);
  }
  const [t0, t1] = [f32(spec.sigmaMin), f32(spec.sigmaMax)];
  const perTree = spec.convention === 'comfyui' ? spec.batchSize * imageSize(spec) : imageSize(spec);
  const entropies = spec.convention === 'comfyui' ? [BigInt(spec.seed)] : a1111ImageSeeds(spec);
  const trees = entropies.map((entropy) => {
    if (entropy < 0n) throw new RangeError(`Brownian-tree seeds must be non-negative, got ${entropy}`);
    return new BrownianTree(t0, t1, perTree, entropy);
  });
  const sample: NoiseSampler = (sigma, sigmaNext, out) => {
    const [lo, hi, querySign] = sorted(f32(sigma), f32(sigmaNext));
    if (out.length !== perTree * trees.length) {
      throw new RangeError(`Brownian noise: out has ${out.length} values, the run needs ${perTree * trees.length}`);
    }
    const scale = f32(Math.sqrt(f32(Math.abs(f32(f32(sigmaNext) - f32(sigma))))));
    trees.forEach((tree, k) => {
      const w = tree.increment(lo, hi);
      for (let i = 0; i < perTree; i++) out[k * perTree + i] = (w[i] * querySign) / scale;
    });
    return out;
  };
  sample.prefetch = (sigma, sigmaNext) => {
    const [lo, hi] = sorted(f32(sigma), f32(sigmaNext));
    for (const tree of trees) tree.increment(lo, hi);
  };
  return sample;
}

/** BatchedBrownianTree.sort: (a, b, 1) when a < b, else (b, a, −1) (the tree's own sign is 1 here). */
function sorted(a: number, b: number): [number, number, number] {
  return a < b ? [a, b, 1] : [b, a, -1];
}
