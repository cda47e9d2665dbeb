// The tool-exact samplers by id, with what a caller needs to drive them: the function, the kind of
// noise the tools feed it, and the model calls it makes (for "step k/N" progress).
import { sampleUniPcA1111 } from './a1111UniPc';
import { askModel, runWith, type Denoiser, type KSampler, type SamplerOptions } from './denoiser';
import { sampleDdim } from './ddim';
import { sampleDdpm } from './ddpm';
import { sampleDeis } from './deis';
import { sampleDpm2 } from './dpm2';
import { sampleDpm2Ancestral } from './dpm2Ancestral';
import { sampleDpmAdaptive } from './dpmAdaptive';
import { sampleDpmFast } from './dpmFast';
import { sampleDpmpp2m } from './dpmpp2m';
import { sampleDpmpp2sAncestral } from './dpmpp2sAncestral';
import { sampleDpmpp2mSde, sampleDpmpp2mSdeHeun, sampleDpmpp3mSde } from './dpmppMultistepSde';
import { sampleDpmppSde } from './dpmppSde';
import { sampleEuler } from './euler';
import { sampleEulerAncestral } from './eulerAncestral';
import { sampleHeun } from './heun';
import { sampleHeunpp2 } from './heunpp2';
import { sampleIpndm, sampleIpndmV } from './ipndm';
import { sampleLcm } from './lcm';
import { sampleLms, sampleLmsA1111 } from './lms';
import { samplePlms } from './plms';
import { sampleRestart } from './restart';
import { sampleUniPc, sampleUniPcBh2 } from './uniPc';

export const SAMPLER_IDS = [
  'euler',
  'euler_ancestral',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'lms_a1111',
  'dpmpp_2s_ancestral',
  'dpmpp_sde',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_heun',
  'dpmpp_3m_sde',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'dpm_fast',
  'dpm_adaptive',
  'uni_pc',
  'uni_pc_bh2',
  'uni_pc_a1111',
  'ddim',
  'plms',
  'restart',
] as const;
export type SamplerId = (typeof SAMPLER_IDS)[number];

/** What noise the tools feed a sampler: none; Gaussian draws per call (ComfyUI: torch.randn on a
 * generator seeded with the seed; A1111: its seeded global stream); or a Brownian tree (torchsde, seeded). */
export type NoiseKind = 'none' | 'gaussian' | 'brownian';

export interface SamplerSpec {
  readonly id: SamplerId;
  readonly run: KSampler;
  readonly noise: NoiseKind;
  /** One line for a UI. */
  readonly description: string;
  /** The model calls depend on the model's outputs (dpm_adaptive), so no plan can be made in advance. */
  readonly adaptive?: boolean;
}

const spec = (id: SamplerId, run: KSampler, noise: NoiseKind, description: string, adaptive?: true): SamplerSpec => ({
  id,
  run,
  noise,
  description,
  adaptive,
});

export const SAMPLERS: Readonly<Record<SamplerId, SamplerSpec>> = {
  euler: spec('euler', sampleEuler, 'none', 'Euler (Karras Alg. 2), 1 call/step'),
  euler_ancestral: spec('euler_ancestral', sampleEulerAncestral, 'gaussian', 'Euler with ancestral noise'),
  heun: spec('heun', sampleHeun, 'none', 'Heun (Karras Alg. 2), 2 calls/step'),
  heunpp2: spec('heunpp2', sampleHeunpp2, 'none', 'Heun++: Heun with a third slope, up to 3 calls/step'),
  dpm_2: spec('dpm_2', sampleDpm2, 'none', 'DPM-Solver-2 style, 2 calls/step'),
  dpm_2_ancestral: spec('dpm_2_ancestral', sampleDpm2Ancestral, 'gaussian', 'DPM-2 with ancestral noise'),
  lms: spec('lms', sampleLms, 'none', 'Linear multistep order 4 (ComfyUI: x0 on the last step)'),
  lms_a1111: spec('lms_a1111', sampleLmsA1111, 'none', 'Linear multistep order 4 (A1111: multistep to σ = 0)'),
  dpmpp_2s_ancestral: spec('dpmpp_2s_ancestral', sampleDpmpp2sAncestral, 'gaussian', 'DPM-Solver++(2S), ancestral'),
  dpmpp_sde: spec('dpmpp_sde', sampleDpmppSde, 'brownian', 'DPM-Solver++ SDE, 2 calls/step'),
  dpmpp_2m: spec('dpmpp_2m', sampleDpmpp2m, 'none', 'DPM-Solver++(2M)'),
  dpmpp_2m_sde: spec('dpmpp_2m_sde', sampleDpmpp2mSde, 'brownian', 'DPM-Solver++(2M) SDE, midpoint'),
  dpmpp_2m_sde_heun: spec('dpmpp_2m_sde_heun', sampleDpmpp2mSdeHeun, 'brownian', 'DPM-Solver++(2M) SDE, Heun'),
  dpmpp_3m_sde: spec('dpmpp_3m_sde', sampleDpmpp3mSde, 'brownian', 'DPM-Solver++(3M) SDE'),
  ddpm: spec('ddpm', sampleDdpm, 'gaussian', 'Ancestral DDPM steps'),
  lcm: spec('lcm', sampleLcm, 'gaussian', 'Latent Consistency Model steps'),
  ipndm: spec('ipndm', sampleIpndm, 'none', 'Improved PNDM (Adams–Bashforth order 4)'),
  ipndm_v: spec('ipndm_v', sampleIpndmV, 'none', 'iPNDM with variable-step Adams–Bashforth weights'),
  deis: spec('deis', sampleDeis, 'none', 'DEIS multistep order 3 ("tab")'),
  dpm_fast: spec('dpm_fast', sampleDpmFast, 'gaussian', 'DPM-Solver-Fast (orders 3/2/1), ends at σ_min'),
  dpm_adaptive: spec(
    'dpm_adaptive',
    sampleDpmAdaptive,
    'gaussian',
    'DPM-Solver-23, adaptive step size, ends at σ_min',
    true,
  ),
  uni_pc: spec('uni_pc', sampleUniPc, 'none', 'UniPC order 3, B(h) = h (bh1)'),
  uni_pc_bh2: spec('uni_pc_bh2', sampleUniPcBh2, 'none', 'UniPC order 3, B(h) = e^h − 1 (bh2)'),
  uni_pc_a1111: spec('uni_pc_a1111', sampleUniPcA1111, 'none', "A1111's UniPC: bh1, order 3, continuous VP times"),
  ddim: spec('ddim', sampleDdim, 'gaussian', 'DDIM (η = 0: Euler)'),
  plms: spec('plms', samplePlms, 'none', 'PLMS (Heun, then Adams–Bashforth up to order 4)'),
  restart: spec('restart', sampleRestart, 'gaussian', 'Restart sampling (Heun + re-noising)'),
};

export interface ModelCall {
  /** The sampler step (callback index) the call belongs to. */
  readonly step: number;
  readonly sigma: number;
}

/** The model calls a sampler makes on `sigmas`, found by running it on a one-value latent with a zero model
 * and zero noise (no fixed-step sampler's σ sequence depends on x). Gives the total for progress and the σ of
 * each call. Throws for dpm_adaptive, whose calls depend on the model's outputs. */
export function modelCallPlan(sampler: SamplerSpec, sigmas: ArrayLike<number>, opts: SamplerOptions = {}): ModelCall[] {
  if (sampler.adaptive) throw new Error(`${sampler.id}: the number of model calls depends on the model's outputs`);
  const sigmasSeen: number[] = [];
  const firstCallOfStep: number[] = [];
  const zero = new Float32Array(1);
  const denoise: Denoiser = (_x, sigma) => {
    sigmasSeen.push(sigma);
    return zero;
  };
  // Each step's first model call comes just before its callback; later calls of the step follow it.
  const callback = () => {
    firstCallOfStep.push(sigmasSeen.length - 1);
  };
  const options = { ...opts, callback, noiseSampler: (_s: number, _n: number, out: Float32Array) => out.fill(0) };
  runWith(sampler.run(askModel, new Float32Array(1), sigmas, options), denoise);
  return sigmasSeen.map((sigma, k) => {
    let step = 0;
    while (step + 1 < firstCallOfStep.length && firstCallOfStep[step + 1] <= k) step++;
    return { step, sigma };
  });
}
