// Heun++ (ComfyUI's sample_heunpp2, from Carzit/sd-webui-samplers-scheduler): like Heun, but while two more
// σ remain it also evaluates at σ_{i+2} and blends the three slopes with weights σ_{i+1}/(3σ₀), σ_{i+2}/(3σ₀)
// and the rest; next to last it blends two slopes with σ_{i+1}/(2σ₀); Euler on the last step. Up to 3 model
// calls per step. ComfyUI only.
import type { KSampler } from './denoiser';
import { churn, copy, lincomb, notify, toD } from './stepMath';

export const sampleHeunpp2: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  const end = sigmas[sigmas.length - 1];
  let x = copy(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigmaHat = churn(x, sigmas, i, opts, 'heunpp2');
    const denoised = copy(yield* denoise(x, sigmaHat));
    const d = toD(x, sigmaHat, denoised);
    notify(opts.callback, i, sigmas[i], sigmaHat, x, denoised);
    const [s1, s2] = [sigmas[i + 1], sigmas[i + 2]];
    const dt = s1 - sigmaHat;
    if (s1 === end) {
      x = lincomb([
        [1, x],
        [dt, d],
      ]);
      continue;
    }
    const x2 = lincomb([
      [1, x],
      [dt, d],
    ]);
    const d2 = toD(x2, s1, yield* denoise(x2, s1));
    if (s2 === end) {
      const w2 = s1 / (2 * sigmas[0]);
      x = lincomb([
        [1, x],
        [dt * (1 - w2), d],
        [dt * w2, d2],
      ]);
      continue;
    }
    const x3 = lincomb([
      [1, x2],
      [s2 - s1, d2],
    ]);
    const d3 = toD(x3, s2, yield* denoise(x3, s2));
    const [w2, w3] = [s1 / (3 * sigmas[0]), s2 / (3 * sigmas[0])];
    x = lincomb([
      [1, x],
      [dt * (1 - w2 - w3), d],
      [dt * w2, d2],
      [dt * w3, d3],
    ]);
  }
  return x;
};
