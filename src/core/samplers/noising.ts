// The forward process q(x_t | x_0) as diffusers' add_noise and get_velocity compute it: per batch
// item, a·x + b·y with scalars taken from the schedule, in the sample's dtype.
import { sameShape, zerosLike, type Tensor } from '../tensor/tensor';

/** One (a, b) pair per timestep given; one timestep serves the whole batch, as torch broadcasts it. */
export interface BlendCoefficients {
  readonly a: readonly number[];
  readonly b: readonly number[];
}

/** Checks diffusers' shape rules and names what is wrong: noise as large as the sample, and 1 or
 * batch-size timesteps. */
export function checkNoiseArgs(what: string, x: Tensor, y: Tensor, timesteps: readonly number[]): void {
  if (!sameShape(x.shape, y.shape)) {
    const shapes = `noise shape [${y.shape.join(', ')}] does not match sample shape [${x.shape.join(', ')}]`;
    throw new RangeError(`${what}: ${shapes}`);
  }
  const batch = x.shape[0] ?? 1;
  if (timesteps.length !== 1 && timesteps.length !== batch) {
    throw new RangeError(`${what}: got ${timesteps.length} timesteps for a batch of ${batch} (give 1 or ${batch})`);
  }
}

const exact = (v: number) => v;

/** The rounding of the sample's dtype: diffusers casts the schedule to it, so a float32 sample makes
 * every scalar op float32. */
export function dtypeRounding(x: Tensor): (v: number) => number {
  return x.data instanceof Float32Array ? Math.fround : exact;
}

/** a_b·x + b_b·y per batch item b, each product rounded to the sample's dtype as torch does. */
export function blend(x: Tensor, y: Tensor, { a, b }: BlendCoefficients): Tensor {
  const out = zerosLike(x);
  const f = dtypeRounding(x);
  const o = out.data;
  const xs = x.data;
  const ys = y.data;
  const per = xs.length / a.length;
  for (let k = 0; k < a.length; k++) {
    const ak = a[k];
    const bk = b[k];
    const end = (k + 1) * per;
    for (let i = k * per; i < end; i++) o[i] = f(ak * xs[i]) + f(bk * ys[i]);
  }
  return out;
}

/** √ᾱ and √(1−ᾱ) per timestep, rounded as the sample's dtype rounds them. */
export function alphaCoefficients(alphasCumprod: readonly number[], f: (v: number) => number): BlendCoefficients {
  const abar = alphasCumprod.map(f);
  return { a: abar.map((v) => f(Math.sqrt(v))), b: abar.map((v) => f(Math.sqrt(f(1 - v)))) };
}

/** The v-prediction target (Salimans & Ho 2022, https://arxiv.org/abs/2202.00512): √ᾱ·ε − √(1−ᾱ)·x0. */
export function velocity(sample: Tensor, noise: Tensor, { a, b }: BlendCoefficients): Tensor {
  return blend(noise, sample, { a, b: b.map((v) => -v) });
}

/** The schedule index every batch item's σ comes from when the pipeline has set a begin index: the
 * current step once stepping has begun (inpainting re-noises there), else the begin index
 * (image-to-image). undefined: each timestep's own position, as in training. */
export function fixedNoisingIndex(stepIndex: number | undefined, beginIndex: number | undefined): number | undefined {
  return beginIndex === undefined ? undefined : (stepIndex ?? beginIndex);
}
