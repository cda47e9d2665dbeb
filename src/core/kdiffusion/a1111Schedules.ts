// A1111 1.10's "Schedule type" values (modules/sd_schedulers.py), by label, for k-diffusion samplers.
// Where a type means something else than ComfyUI's scheduler of the same name, the difference is noted.
import { betaSigmas } from '../schedules/sigmaSchedules';
import { torchLinspaceF32 } from '../schedules/float32';
import { type AysModel, alignYourStepsSchedule } from './alignYourSteps';
import { type SigmaTable, sigmaMax, sigmaMin } from './sigmaTable';
import {
  checkSteps,
  ddimUniformSchedule,
  exponentialSchedule,
  karrasSchedule,
  simpleSchedule,
  timestepLinspaceSchedule,
} from './tableSchedules';

export const A1111_SCHEDULE_TYPES = [
  'Automatic',
  'Uniform',
  'Karras',
  'Exponential',
  'Polyexponential',
  'SGM Uniform',
  'KL Optimal',
  'Align Your Steps',
  'Simple',
  'Normal',
  'DDIM',
  'Beta',
] as const;
export type A1111ScheduleType = (typeof A1111_SCHEDULE_TYPES)[number];
/** The types once resolved ("Automatic" picks one of these per sampler). */
export type A1111ExplicitSchedule = Exclude<A1111ScheduleType, 'Automatic'>;

/** The names A1111 also accepts for each type (schedulers_map keys, aliases). */
export const A1111_SCHEDULE_NAMES: Readonly<Record<A1111ExplicitSchedule, readonly string[]>> = {
  Uniform: ['uniform'],
  Karras: ['karras'],
  Exponential: ['exponential'],
  Polyexponential: ['polyexponential'],
  'SGM Uniform': ['sgm_uniform', 'SGMUniform'],
  'KL Optimal': ['kl_optimal'],
  'Align Your Steps': ['align_your_steps'],
  Simple: ['simple'],
  Normal: ['normal'],
  DDIM: ['ddim'],
  Beta: ['beta'],
};

/** "Polyexponential": exp(ramp^ρ·(ln σ_max − ln σ_min) + ln σ_min), ramp = linspace(1, 0, N), ρ = 1 (k-diffusion
 * get_sigmas_polyexponential), then 0. ρ = 1 is the same as Exponential. */
export function polyexponentialSchedule(n: number, sMin: number, sMax: number, rho = 1): number[] {
  checkSteps(n, 'polyexponential');
  const lmin = Math.log(sMin);
  const span = Math.log(sMax) - lmin;
  return [...Array.from(torchLinspaceF32(1, 0, n), (r) => Math.fround(Math.exp(r ** rho * span + lmin))), 0];
}

/** "KL Optimal" A1111's way: N + 1 points i/N, i = 0..N, so it ends at σ_min, not 0 (ComfyUI's
 * kl_optimal uses i/(N−1) and appends 0). */
export function a1111KlOptimalSchedule(n: number, sMin: number, sMax: number): number[] {
  checkSteps(n, 'KL Optimal');
  const aMin = Math.fround(Math.atan(sMin));
  const aMax = Math.fround(Math.atan(sMax));
  return Array.from({ length: n + 1 }, (_, i) => {
    const r = Math.fround(i / n);
    return Math.fround(Math.tan(r * aMin + (1 - r) * aMax));
  });
}

/** "Beta" A1111's way: continuous σ_min + Beta⁻¹(1 − i/(N−1); α, β)·(σ_max − σ_min), i = 0..N−1, then 0 —
 * not snapped to timesteps as ComfyUI's beta is. α = β = 0.6 are A1111's defaults. */
export function a1111BetaSchedule(n: number, sMin: number, sMax: number, alpha = 0.6, beta = 0.6): number[] {
  checkSteps(n, 'Beta');
  return [...Array.from(betaSigmas(sMin, sMax, n, alpha, beta), Math.fround), 0];
}

export interface A1111ScheduleContext {
  /** Picks the Align Your Steps table (A1111 uses the SDXL one when the loaded model is SDXL). */
  readonly aysModel?: AysModel;
}

/** σ for an explicit A1111 schedule type × steps (the σ count before A1111's next-to-last drop). "Uniform"
 * is k-diffusion's CompVisDenoiser.get_sigmas, which equals "Normal" on these tables. */
export function a1111Schedule(
  type: A1111ExplicitSchedule,
  table: SigmaTable,
  steps: number,
  ctx: A1111ScheduleContext = {},
): number[] {
  const lo = sigmaMin(table);
  const hi = sigmaMax(table);
  switch (type) {
    case 'Uniform':
    case 'Normal':
      return timestepLinspaceSchedule(table, steps, false);
    case 'Karras':
      return karrasSchedule(steps, lo, hi);
    case 'Exponential':
      return exponentialSchedule(steps, lo, hi);
    case 'Polyexponential':
      return polyexponentialSchedule(steps, lo, hi);
    case 'SGM Uniform':
      return timestepLinspaceSchedule(table, steps, true);
    case 'KL Optimal':
      return a1111KlOptimalSchedule(steps, lo, hi);
    case 'Align Your Steps':
      return alignYourStepsSchedule(steps, ctx.aysModel ?? 'sd15');
    case 'Simple':
      return simpleSchedule(table, steps);
    case 'DDIM':
      return ddimUniformSchedule(table, steps);
    case 'Beta':
      return a1111BetaSchedule(steps, lo, hi);
  }
}
