// Linear multistep (k-diffusion sample_lms, order 4): integrates the Lagrange polynomial through the
// last `order` slopes over [σ_i, σ_{i+1}] (Karras' LMS, as in Crowson's original).
// Two tools, two endings: ComfyUI returns the x0 estimate on the step to σ = 0 (`sampleLms`);
// A1111's pinned k-diffusion (ab527a9) takes the multistep step there too (`sampleLmsA1111`).
import type { KSampler } from './denoiser';
import { copy, lincomb, notify, toD } from './stepMath';

// 4-point Gauss–Legendre nodes and weights on [−1, 1]: exact for the degree ≤ 3 basis polynomials, where
// the original calls scipy.integrate.quad (also exact on them, to rounding).
const GL_X = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL_W = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/** ∫_{t_i}^{t_{i+1}} ∏_{k≠j} (τ − t_{i−k})/(t_{i−j} − t_{i−k}) dτ (k-diffusion linear_multistep_coeff). */
export function linearMultistepCoeff(order: number, t: ArrayLike<number>, i: number, j: number): number {
  if (order - 1 > i) throw new Error(`lms: order ${order} too high for step ${i}`);
  const basis = (tau: number) => {
    let prod = 1;
    for (let k = 0; k < order; k++) if (k !== j) prod *= (tau - t[i - k]) / (t[i - j] - t[i - k]);
    return prod;
  };
  const half = (t[i + 1] - t[i]) / 2;
  const mid = (t[i + 1] + t[i]) / 2;
  return half * GL_X.reduce((s, xk, k) => s + GL_W[k] * basis(mid + half * xk), 0);
}

function makeLms(denoiseLastStep: boolean): KSampler {
  return function* (denoise, x0, sigmas, opts = {}) {
    const order = opts.order ?? 4;
    // x is stepped in place; a slope that leaves the history gives its array to the next one. x̂0 is read
    // before the next model call, so not copied.
    const x = copy(x0);
    const ds: Float32Array[] = [];
    for (let i = 0; i < sigmas.length - 1; i++) {
      const denoised = yield* denoise(x, sigmas[i]);
      ds.push(toD(x, sigmas[i], denoised, ds.length === order ? ds.shift() : undefined));
      notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
      if (denoiseLastStep && sigmas[i + 1] === 0) {
        x.set(denoised);
        continue;
      }
      const cur = Math.min(i + 1, order);
      const terms: [number, Float32Array][] = [[1, x]];
      for (let j = 0; j < cur; j++) terms.push([linearMultistepCoeff(cur, sigmas, i, j), ds[ds.length - 1 - j]]);
      lincomb(terms, x);
    }
    return x;
  };
}

/** ComfyUI's sample_lms. */
export const sampleLms: KSampler = makeLms(true);
/** A1111 1.10's "LMS" (k-diffusion ab527a9 sample_lms). */
export const sampleLmsA1111: KSampler = makeLms(false);
