// ComfyUI's sampler_name list (comfy/samplers.py KSAMPLER_NAMES + ddim/uni_pc, v0.3.77): name → our
// sampler. "_gpu" variants differ only in building the Brownian tree on the GPU (another noise stream).
import type { SamplerId } from './samplers';

export interface ComfySamplerEntry {
  readonly name: string;
  readonly sampler?: SamplerId;
  /** KSampler asks for one more σ and drops the next-to-last (DISCARD_PENULTIMATE_SIGMA_SAMPLERS). */
  readonly discardPenultimate?: boolean;
  readonly gpuBrownianTree?: boolean;
  readonly why?: string;
}

const n = (name: string, sampler: SamplerId | undefined, more: Partial<ComfySamplerEntry> = {}): ComfySamplerEntry => ({
  name,
  sampler,
  ...more,
});
const todo = (name: string, why = 'not implemented in this module') => n(name, undefined, { why });

export const COMFY_SAMPLERS: readonly ComfySamplerEntry[] = [
  n('euler', 'euler'),
  todo('euler_cfg_pp', 'CFG++ needs the unconditional prediction'),
  n('euler_ancestral', 'euler_ancestral'),
  todo('euler_ancestral_cfg_pp', 'CFG++ needs the unconditional prediction'),
  n('heun', 'heun'),
  n('heunpp2', 'heunpp2'),
  n('dpm_2', 'dpm_2', { discardPenultimate: true }),
  n('dpm_2_ancestral', 'dpm_2_ancestral', { discardPenultimate: true }),
  n('lms', 'lms'),
  n('dpm_fast', 'dpm_fast'),
  n('dpm_adaptive', 'dpm_adaptive'),
  n('dpmpp_2s_ancestral', 'dpmpp_2s_ancestral'),
  todo('dpmpp_2s_ancestral_cfg_pp', 'CFG++ needs the unconditional prediction'),
  n('dpmpp_sde', 'dpmpp_sde'),
  n('dpmpp_sde_gpu', 'dpmpp_sde', { gpuBrownianTree: true }),
  n('dpmpp_2m', 'dpmpp_2m'),
  todo('dpmpp_2m_cfg_pp', 'CFG++ needs the unconditional prediction'),
  n('dpmpp_2m_sde', 'dpmpp_2m_sde'),
  n('dpmpp_2m_sde_gpu', 'dpmpp_2m_sde', { gpuBrownianTree: true }),
  n('dpmpp_2m_sde_heun', 'dpmpp_2m_sde_heun'),
  n('dpmpp_2m_sde_heun_gpu', 'dpmpp_2m_sde_heun', { gpuBrownianTree: true }),
  n('dpmpp_3m_sde', 'dpmpp_3m_sde'),
  n('dpmpp_3m_sde_gpu', 'dpmpp_3m_sde', { gpuBrownianTree: true }),
  n('ddpm', 'ddpm'),
  n('lcm', 'lcm'),
  n('ipndm', 'ipndm'),
  n('ipndm_v', 'ipndm_v'),
  n('deis', 'deis'),
  todo('res_multistep'),
  todo('res_multistep_cfg_pp'),
  todo('res_multistep_ancestral'),
  todo('res_multistep_ancestral_cfg_pp'),
  todo('gradient_estimation'),
  todo('gradient_estimation_cfg_pp'),
  todo('er_sde'),
  todo('seeds_2'),
  todo('seeds_3'),
  todo('sa_solver'),
  todo('sa_solver_pece'),
  // ComfyUI's "ddim" is ksampler("euler") (with random inpaint noise, which a full denoise never uses).
  n('ddim', 'euler'),
  n('uni_pc', 'uni_pc', { discardPenultimate: true }),
  n('uni_pc_bh2', 'uni_pc_bh2', { discardPenultimate: true }),
];
