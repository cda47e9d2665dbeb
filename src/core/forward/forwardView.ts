// x_t of an image under a schedule, in pixel space by the closed form of the forward process
// (Ho et al. 2020, eq. 4): x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε. The noise is drawn once from a seed, as
// torch.randn would draw it, and reused for every t, so moving along t changes only the weights.
import { TorchGenerator } from '../rng/torchGenerator';
import type { Scheduler } from '../samplers/scheduler';
import type { Tensor } from '../tensor/tensor';
import { img2imgTimesteps } from './img2img';
import { noiseLevelOfSigma, type NoiseLevel } from './noiseLevel';

export class ForwardProcessView {
  /** ε ~ N(0, I) of the image's shape. */
  readonly noise: Float32Array;
  private readonly image: Float32Array;

  /** `image`: float RGB in [−1, 1], shape [3, H, W] or [1, 3, H, W]. */
  constructor(image: Tensor, seed: number) {
    const s = image.shape;
    const rgb = (s.length === 3 && s[0] === 3) || (s.length === 4 && s[0] === 1 && s[1] === 3);
    if (!rgb) throw new RangeError(`forward view: image shape [${s.join(', ')}] is not [3, H, W] or [1, 3, H, W]`);
    const bad = image.data.findIndex((v) => !(v >= -1 && v <= 1));
    if (bad >= 0) {
      throw new RangeError(`forward view: image value ${image.data[bad]} at index ${bad} is outside [−1, 1]`);
    }
    this.image = Float32Array.from(image.data);
    this.noise = new TorchGenerator(seed).randn(s);
  }

  /** x_t at `level` into `out` (reused across calls when given). */
  render(level: NoiseLevel, out = new Float32Array(this.image.length)): Float32Array {
    if (out.length !== this.image.length) {
      throw new RangeError(`forward view: out has ${out.length} values, the image ${this.image.length}`);
    }
    const a = level.signal;
    const b = level.noise;
    const x = this.image;
    const e = this.noise;
    for (let i = 0; i < x.length; i++) out[i] = a * x[i] + b * e[i];
    return out;
  }
}

export interface FirstStep {
  /** The timestep of the first model call and its index in the scheduler's full schedule. */
  readonly t: number;
  readonly index: number;
  /** The noise level of the sample that step sees. */
  readonly level: NoiseLevel;
}

/** The first sampling step of `scheduler` (its config's spacing) for n steps, from noise or, with
 * strength < 1, from an image noised to where image-to-image starts; undefined when strength leaves
 * no step. Sets the scheduler's timesteps. */
export function firstSamplingStep(scheduler: Scheduler, n: number, strength = 1): FirstStep | undefined {
  const run = img2imgTimesteps(scheduler, n, strength);
  if (run.timesteps.length === 0) return undefined;
  const t = run.timesteps[0];
  return { t, index: run.beginIndex, level: noiseLevelOfSigma(scheduler.sigmaAt(t)) };
}
