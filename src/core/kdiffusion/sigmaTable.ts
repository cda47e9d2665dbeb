// The model's discrete noise levels σ_t = √((1 − ᾱ_t)/ᾱ_t), t = 0..T−1, as ComfyUI's
// ModelSamplingDiscrete and k-diffusion's DiscreteSchedule (A1111's CompVisDenoiser) hold them: float32,
// ascending in t, with log σ for the timestep ↔ σ maps the schedules use.
import { f32 } from '../schedules/float32';
import { sigmaToTimestep } from '../schedules/sigmaToTimestep';

export interface SigmaTable {
  /** σ per training timestep, float32 values, ascending. */
  readonly sigmas: Float64Array;
  readonly logSigmas: Float64Array;
}

/** ᾱ of the latent-diffusion "linear" schedule (really scaled-linear: β = linspace(√β0, √β1, T)²) in
 * float64, as ComfyUI's make_beta_schedule and the LDM code A1111 loads compute it. SD 1.x/2.x/XL use
 * β0 = 0.00085, β1 = 0.012, T = 1000. */
export function ldmAlphasCumprod(linearStart = 0.00085, linearEnd = 0.012, timesteps = 1000): Float64Array {
  const a = Math.sqrt(linearStart);
  const b = Math.sqrt(linearEnd);
  const out = new Float64Array(timesteps);
  let prod = 1;
  for (let i = 0; i < timesteps; i++) {
    const r = a + ((b - a) * i) / (timesteps - 1);
    prod *= 1 - r * r;
    out[i] = prod;
  }
  return out;
}

/** σ table from ᾱ as each tool builds it, bit for bit: ComfyUI computes σ in float64 and stores float32;
 * A1111 (k-diffusion's CompVisDenoiser) computes it in float32 from the float32 ᾱ the LDM model registers.
 * A 1-ulp difference matters: ancestral steps cancel σ_to² − σ_up² in float32. */
export function sigmaTable(alphasCumprod: ArrayLike<number>, tool: 'comfyui' | 'a1111' = 'comfyui'): SigmaTable {
  const f = Math.fround;
  const sigmaOf =
    tool === 'a1111' ? (a: number) => f(Math.sqrt(f(f(1 - f(a)) / f(a)))) : (a: number) => f(Math.sqrt((1 - a) / a));
  const sigmas = Float64Array.from(alphasCumprod, sigmaOf);
  if (sigmas.length < 2) throw new Error(`sigma table: need at least 2 timesteps, got ${sigmas.length}`);
  return { sigmas, logSigmas: sigmas.map((s) => f(Math.log(s))) };
}

/** σ at a fractional timestep: log-linear between neighbours, t clamped to [0, T−1] (ComfyUI's
 * ModelSamplingDiscrete.sigma, k-diffusion's t_to_sigma). */
export function timestepToSigma(table: SigmaTable, t: number): number {
  const tc = Math.min(Math.max(t, 0), table.sigmas.length - 1);
  const lo = Math.floor(tc);
  const hi = Math.ceil(tc);
  const w = tc - lo;
  return f32(Math.exp((1 - w) * table.logSigmas[lo] + w * table.logSigmas[hi]));
}

/** Fractional timestep of σ (k-diffusion's sigma_to_t, A1111's map). */
export function sigmaToT(table: SigmaTable, sigma: number): number {
  return sigmaToTimestep(sigma, table.logSigmas);
}

/** The timestep whose log σ is nearest (ComfyUI's ModelSamplingDiscrete.timestep, an integer). */
export function nearestTimestep(table: SigmaTable, sigma: number): number {
  const ls = Math.log(sigma);
  let best = 0;
  for (let t = 1; t < table.logSigmas.length; t++) {
    if (Math.abs(ls - table.logSigmas[t]) < Math.abs(ls - table.logSigmas[best])) best = t;
  }
  return best;
}

export const sigmaMin = (table: SigmaTable): number => table.sigmas[0];
export const sigmaMax = (table: SigmaTable): number => table.sigmas[table.sigmas.length - 1];
