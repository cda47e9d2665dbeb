// DPM-Solver++(2M) SDE and (3M) SDE, Lu et al. 2022 (arXiv:2211.01095) with the SDE noise term
// σ_next·√(1 − e^{−2ηh}) (k-diffusion sample_dpmpp_2m_sde / sample_dpmpp_3m_sde). Follows ComfyUI: the x0
// estimate on the step to σ = 0, noise only when η > 0 and s_noise > 0; A1111's pinned k-diffusion
// differs only in testing η alone. For ε/v models ComfyUI's α_t is 1. The tools feed them a
// Brownian-tree noise sampler; pass one that reproduces the tool's.
import type { KSampler, SamplerOptions } from './denoiser';
import { addNoise, copy, lincomb, notify } from './stepMath';

type Correction = (
  phi: number,
  hEta: number,
  h: number,
  hist: History,
  denoised: Float32Array,
  opts: SamplerOptions,
) => [number, Float32Array][];
interface History {
  d1?: Float32Array;
  d2?: Float32Array;
  h1?: number;
  h2?: number;
}

function multistepSde(name: string, correction: Correction): KSampler {
  return function* (denoise, x0, sigmas, opts: SamplerOptions = {}) {
    const eta = opts.eta ?? 1;
    const sNoise = opts.sNoise ?? 1;
    // x is stepped in place; x̂0 is copied into the array of the oldest estimate, which no step reads again.
    const x = copy(x0);
    const hist: History = {};
    let h: number | undefined;
    let spare: Float32Array | undefined;
    for (let i = 0; i < sigmas.length - 1; i++) {
      const denoised = copy(yield* denoise(x, sigmas[i]), spare);
      notify(opts.callback, i, sigmas[i], sigmas[i], x, denoised);
      if (sigmas[i + 1] === 0) {
        x.set(denoised);
      } else {
        h = Math.log(sigmas[i]) - Math.log(sigmas[i + 1]);
        const hEta = h * (eta + 1);
        const phi = -Math.expm1(-hEta);
        const terms = correction(phi, hEta, h, hist, denoised, opts);
        lincomb([[(sigmas[i + 1] / sigmas[i]) * Math.exp(-h * eta), x], [phi, denoised], ...terms], x);
        if (eta > 0 && sNoise > 0) {
          const scale = sigmas[i + 1] * Math.sqrt(-Math.expm1(-2 * h * eta)) * sNoise;
          addNoise(x, scale, opts, name, sigmas[i], sigmas[i + 1], x);
        }
      }
      // The step to σ = 0 keeps the previous h, as the originals do.
      spare = hist.d2;
      [hist.d2, hist.d1, hist.h2, hist.h1] = [hist.d1, denoised, hist.h1, h];
    }
    return x;
  };
}

/** dpmpp_2m_sde (solver_type 'midpoint' by default, A1111's "DPM++ 2M SDE") and dpmpp_2m_sde_heun ('heun' by
 * default, A1111's "DPM++ 2M SDE Heun"); opts.solverType overrides, as solver_type does. */
function dpmpp2mSde(defaultSolver: 'midpoint' | 'heun'): KSampler {
  return multistepSde('dpmpp_2m_sde', (phi, hEta, h, hist, denoised, opts) => {
    if (!hist.d1 || hist.h1 === undefined) return [];
    const r = hist.h1 / h;
    const k = (opts.solverType ?? defaultSolver) === 'heun' ? (phi / -hEta + 1) / r : (0.5 * phi) / r;
    return [
      [k, denoised],
      [-k, hist.d1],
    ];
  });
}

export const sampleDpmpp2mSde: KSampler = dpmpp2mSde('midpoint');
export const sampleDpmpp2mSdeHeun: KSampler = dpmpp2mSde('heun');

/** dpmpp_3m_sde: third order once two earlier estimates exist, second order before. */
export const sampleDpmpp3mSde: KSampler = multistepSde('dpmpp_3m_sde', (phi, hEta, h, hist, denoised) => {
  if (!hist.d1 || hist.h1 === undefined) return [];
  const phi2 = phi / -hEta + 1;
  if (!hist.d2 || hist.h2 === undefined) {
    const c = phi2 / (hist.h1 / h);
    return [
      [c, denoised],
      [-c, hist.d1],
    ];
  }
  const r0 = hist.h1 / h;
  const r1 = hist.h2 / h;
  const phi3 = phi2 / hEta - 0.5;
  // d1_0 = (D − D1)/r0, d1_1 = (D1 − D2)/r1; x += φ2·(d1_0 + (d1_0 − d1_1)·r0/(r0+r1)) − φ3·(d1_0 − d1_1)/(r0+r1)
  const a = phi2 * (1 + r0 / (r0 + r1)) - phi3 / (r0 + r1);
  const b = -phi2 * (r0 / (r0 + r1)) + phi3 / (r0 + r1);
  return [
    [a / r0, denoised],
    [-a / r0 + b / r1, hist.d1],
    [-b / r1, hist.d2],
  ];
});
