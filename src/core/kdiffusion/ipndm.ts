// Improved PNDM (Zhang & Chen 2023, arXiv:2204.13902 §4, "iPNDM"): Adams–Bashforth on the Karras ODE slope,
// warming up from Euler, as ComfyUI's sample_ipndm and sample_ipndm_v (from zju-pi/diff-sampler) run it; the
// step to σ = 0 returns the x0 estimate. "ipndm" uses the fixed-step weights (1/2, 1/12, 1/24);
// "ipndm_v" the variable-step ones for the actual σ gaps (ipndmVariableWeights). ComfyUI only.
import type { KSampler } from './denoiser';
import { ADAMS_BASHFORTH, copy, lincomb, notify, toD } from './stepMath';

/** Weights of the current slope and the order − 1 earlier ones for step i. */
type Weights = (order: number, i: number, sigmas: ArrayLike<number>) => readonly number[];

/** Variable-step Adams–Bashforth weights of ipndm_v, orders 2–4, from the σ gaps h_n = σ_{i+1} − σ_i,
 * h_{n−k} = σ_{i−k+1} − σ_{i−k}. */
export const ipndmVariableWeights: Weights = (order, i, t) => {
  if (order === 1) return [1];
  const hn = t[i + 1] - t[i];
  const h1 = t[i] - t[i - 1];
  const w2 = [(2 + hn / h1) / 2, -(hn / h1) / 2];
  if (order === 2) return w2;
  const h2 = t[i - 1] - t[i - 2];
  const temp1 = (1 - ((hn / (3 * (hn + h1))) * (hn * (hn + h1))) / (h1 * (h1 + h2))) / 2;
  const w3 = [w2[0] + temp1, w2[1] - (1 + h1 / h2) * temp1, (temp1 * h1) / h2];
  if (order === 3) return w3;
  const h3 = t[i - 2] - t[i - 3];
  const temp2 =
    ((1 - hn / (3 * (hn + h1))) / 2 + ((1 - hn / (2 * (hn + h1))) * hn) / (6 * (hn + h1 + h2))) *
    ((hn * (hn + h1) * (hn + h1 + h2)) / (h1 * (h1 + h2) * (h1 + h2 + h3)));
  const q = (h1 * (h1 + h2)) / (h2 * (h2 + h3));
  return [
    w3[0] + temp2,
    w3[1] - (1 + h1 / h2 + q) * temp2,
    w3[2] + (h1 / h2 + q * (1 + h2 / h3)) * temp2,
    (-temp2 * q * h1) / h2,
  ];
};

function makeIpndm(weights: Weights): KSampler {
  return function* (denoise, x0, sigmas, opts = {}) {
    const maxOrder = opts.order ?? 4;
    let x = copy(x0);
    const history: Float32Array[] = [];
    for (let i = 0; i < sigmas.length - 1; i++) {
      const denoised = copy(yield* denoise(x, sigmas[i]));
      notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
      const d = toD(x, sigmas[i], denoised);
      const order = Math.min(maxOrder, i + 1);
      if (sigmas[i + 1] === 0) {
        x = denoised;
      } else {
        const dt = sigmas[i + 1] - sigmas[i];
        const slopes = [d, ...history.slice().reverse()].slice(0, order);
        const w = weights(order, i, sigmas);
        x = lincomb([[1, x], ...slopes.map((s, k): [number, Float32Array] => [dt * w[k], s])]);
      }
      history.push(d);
      if (history.length > maxOrder - 1) history.shift();
    }
    return x;
  };
}

export const sampleIpndm: KSampler = makeIpndm((order) => ADAMS_BASHFORTH[order - 1]);
export const sampleIpndmV: KSampler = makeIpndm(ipndmVariableWeights);
