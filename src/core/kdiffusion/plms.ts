// PLMS (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models", arXiv:2202.09778) as A1111 1.10
// runs "PLMS" (modules/sd_samplers_timesteps_impl.py plms) over its DDIM timesteps. A1111 steps ε-space
// x_t = √ᾱ·x0 + √(1−ᾱ)·ε with an Adams–Bashforth blend ε′ of the last ε's; divided by √ᾱ that is
// x ↦ x + (σ_next − σ)·ε′ with ε = (x − D)/σ, the Karras slope. The first step is a pseudo improved Euler
// (Heun: 2 model calls); later steps are AB2–AB4 over the plain ε's, 1 call each. A1111 only.
import type { KSampler } from './denoiser';
import { ADAMS_BASHFORTH, copy, lincomb, notify, toD } from './stepMath';

export const samplePlms: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  let x = copy(x0);
  const old: Float32Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const [sigma, next] = [sigmas[i], sigmas[i + 1]];
    const denoised = copy(yield* denoise(x, sigma));
    const d = toD(x, sigma, denoised);
    notify(opts.callback, i, sigma, sigma, x, denoised);
    let slope: Float32Array;
    if (old.length === 0) {
      const x2 = lincomb([
        [1, x],
        [next - sigma, d],
      ]);
      slope = lincomb([
        [0.5, d],
        [0.5, toD(x2, next, yield* denoise(x2, next))],
      ]);
    } else {
      const w = ADAMS_BASHFORTH[old.length];
      slope = lincomb([
        [w[0], d],
        ...old
          .slice()
          .reverse()
          .map((e, k): [number, Float32Array] => [w[k + 1], e]),
      ]);
    }
    x = lincomb([
      [1, x],
      [next - sigma, slope],
    ]);
    old.push(d);
    if (old.length >= 4) old.shift();
  }
  return x;
};
