// The σ schedule of diffusers' EDM schedulers (scheduling_edm_euler.py, scheduling_edm_dpmsolver_multistep.py):
// Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models",
// https://arxiv.org/abs/2206.00364, eq. 5) over the config's own σ range, or log-linear ("exponential", as
// CosXL uses it), with no training β at all.
import { f32, numpyLinspace, torchLinspaceF32 } from './float32';

export interface EdmSigmaConfig {
  readonly sigma_min: number;
  readonly sigma_max: number;
  readonly sigma_schedule: 'karras' | 'exponential';
  readonly rho: number;
}

/** How a class builds its ramp: EDMEuler in float64 (then one float32 cast), EDM DPM-Solver on a float32
 * torch.linspace with every Karras operation rounded to float32. */
export type EdmRamp = 'float64' | 'float32';

/** n σ values from σ_max down to σ_min, as float32. */
export function edmSigmas(c: EdmSigmaConfig, n: number, ramp: EdmRamp): Float64Array {
  if (c.sigma_schedule === 'exponential') {
    // torch.linspace(log σ_min, log σ_max, n).exp().flip(0): a float32 linspace in both classes.
    return torchLinspaceF32(Math.log(c.sigma_min), Math.log(c.sigma_max), n)
      .map((l) => f32(Math.exp(l)))
      .reverse();
  }
  const minInv = c.sigma_min ** (1 / c.rho);
  const maxInv = c.sigma_max ** (1 / c.rho);
  if (ramp === 'float64') return numpyLinspace(0, 1, n).map((r) => f32((maxInv + r * (minInv - maxInv)) ** c.rho));
  const span = f32(minInv - maxInv);
  return torchLinspaceF32(0, 1, n).map((r) => f32(f32(f32(maxInv) + f32(r * span)) ** f32(c.rho)));
}

/** EDM's noise conditioning c_noise(σ) = ¼·ln σ, the "timestep" the network is given (float32). */
export function edmTimesteps(sigmas: Float64Array): Float64Array {
  return sigmas.map((s) => f32(0.25 * f32(Math.log(s))));
}

/** A nominal ᾱ = 1/(1 + σ²) over num_train_timesteps σ spread by the class's schedule, ascending in noise
 * like a DDPM table: what plots and range checks read, since an EDM model has no training β. Its ends
 * are the config's σ_min and σ_max. */
export function edmAlphasCumprod(c: EdmSigmaConfig & { readonly num_train_timesteps: number }): Float64Array {
  return edmSigmas(c, c.num_train_timesteps, 'float64')
    .reverse()
    .map((s) => 1 / (1 + s * s));
}
