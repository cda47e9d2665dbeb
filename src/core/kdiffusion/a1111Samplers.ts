// A1111 1.10's sampler list (modules/sd_samplers_kdiffusion.py, sd_samplers_timesteps.py,
// sd_samplers_lcm.py, v1.10.1): label → our sampler, with the options A1111 attaches to it.
import type { A1111ExplicitSchedule } from './a1111Schedules';
import type { SamplerOptions } from './denoiser';
import type { SamplerId } from './samplers';

export interface A1111SamplerEntry {
  readonly label: string;
  readonly aliases: readonly string[];
  /** Absent where this module does not reproduce the sampler yet. */
  readonly sampler?: SamplerId;
  /** What "Automatic" means for it (absent: Uniform, k-diffusion's get_sigmas). */
  readonly automatic?: A1111ExplicitSchedule;
  /** A1111 asks for one more σ and drops the next-to-last. */
  readonly discardPenultimate?: boolean;
  /** What A1111 passes besides the defaults (solver_type; η = opts.eta_ancestral, 1, where the function
   * takes η and its own default differs). */
  readonly options?: SamplerOptions;
  /** Takes the model's σ range (and DPM fast the step count), never a σ list: the schedule type does not apply. */
  readonly modelRange?: boolean;
  /** Timestep samplers ignore "Schedule type" and use their own timesteps. */
  readonly timestepSampler?: boolean;
  readonly why?: string;
}

const e = (
  label: string,
  aliases: string[],
  sampler: SamplerId | undefined,
  more: Partial<A1111SamplerEntry> = {},
): A1111SamplerEntry => ({ label, aliases, sampler, ...more });

export const A1111_SAMPLERS: readonly A1111SamplerEntry[] = [
  e('DPM++ 2M', ['k_dpmpp_2m'], 'dpmpp_2m', { automatic: 'Karras' }),
  e('DPM++ SDE', ['k_dpmpp_sde'], 'dpmpp_sde', { automatic: 'Karras' }),
  e('DPM++ 2M SDE', ['k_dpmpp_2m_sde'], 'dpmpp_2m_sde', { automatic: 'Exponential' }),
  e('DPM++ 2M SDE Heun', ['k_dpmpp_2m_sde_heun'], 'dpmpp_2m_sde_heun', {
    automatic: 'Exponential',
    options: { solverType: 'heun' },
  }),
  e('DPM++ 2S a', ['k_dpmpp_2s_a'], 'dpmpp_2s_ancestral', { automatic: 'Karras' }),
  e('DPM++ 3M SDE', ['k_dpmpp_3m_sde'], 'dpmpp_3m_sde', { automatic: 'Exponential', discardPenultimate: true }),
  e('Euler a', ['k_euler_a', 'k_euler_ancestral'], 'euler_ancestral'),
  e('Euler', ['k_euler'], 'euler'),
  e('LMS', ['k_lms'], 'lms_a1111'),
  e('Heun', ['k_heun'], 'heun'),
  e('DPM2', ['k_dpm_2'], 'dpm_2', { automatic: 'Karras', discardPenultimate: true }),
  e('DPM2 a', ['k_dpm_2_a'], 'dpm_2_ancestral', { automatic: 'Karras', discardPenultimate: true }),
  e('DPM fast', ['k_dpm_fast'], 'dpm_fast', { modelRange: true, options: { eta: 1 } }),
  e('DPM adaptive', ['k_dpm_ad'], 'dpm_adaptive', { modelRange: true, options: { eta: 1 } }),
  e('Restart', ['restart'], 'restart', { automatic: 'Karras' }),
  e('DDIM', ['ddim'], 'ddim', { timestepSampler: true }),
  e('DDIM CFG++', ['ddim_cfgpp'], undefined, {
    timestepSampler: true,
    why: 'needs the unconditional ε (CFG++), not a plain denoiser',
  }),
  e('PLMS', ['plms'], 'plms', { timestepSampler: true }),
  e('UniPC', ['unipc'], 'uni_pc_a1111', { timestepSampler: true }),
  e('LCM', ['k_lcm'], 'lcm'),
];

/** A1111's DDIM timesteps: clip(range(0, T, T // N) + 1, 0, T − 1) (CompVisSampler.get_timesteps); the sampler
 * walks them downwards, so N = 20 gives 20 timesteps and 19 model calls, ending at t = 1 rather than σ = 0. */
export function a1111DdimTimesteps(steps: number, T = 1000): number[] {
  const stride = Math.floor(T / steps);
  if (!(stride >= 1)) throw new RangeError(`DDIM: steps must be between 1 and ${T}, got ${steps}`);
  const out: number[] = [];
  for (let t = 0; t < T; t += stride) out.push(Math.min(t + 1, T - 1));
  return out;
}
