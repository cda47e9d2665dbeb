// diffusers' own test_full_loop_with_noise tests (tests/schedulers/test_scheduler_*.py at v0.35.2,
// github:huggingface/diffusers, commit b71269675ec1b85193107a691dd35c308e46f0a5), run through the
// core: add_noise at timesteps[t_start·order], then the loop. Their dummy sample, noise and model
// (tests/schedulers/test_schedulers.py, SchedulerCommonTest.dummy_sample_deter, dummy_noise_deter,
// dummy_model) are rebuilt from the same formulas in float32; the asserted numbers are theirs, with
// their tolerances (1e-2 on the sum of |x|, 1e-3 on the mean).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { Scheduler } from '../../../src/core/samplers/scheduler';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { Tensor } from '../../../src/core/tensor/tensor';

const f = Math.fround;

/** dummy_sample_deter / dummy_noise_deter: arange(n) (flipped for the noise) / n, laid out as
 * [C, ...spatial, B] and permuted to [B, C, ...spatial]. */
function deter(shape: readonly number[], flip: boolean): Tensor<Float32Array> {
  const [B, ...rest] = shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  const n = B * inner;
  const data = new Float32Array(n);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < inner; j++) {
      const k = j * B + b;
      data[b * inner + j] = f((flip ? n - 1 - k : k) / n);
    }
  }
  return { data, shape };
}

/** dummy_model: sample · t / (t + 1), in float32. */
const model = (x: Tensor, t: number): Tensor => {
  const tt = f(t);
  const d = f(tt + 1);
  return { data: x.data.map((v) => f(f(v * tt) / d)), shape: x.shape };
};

const scale = (x: Tensor, c: number): Tensor => ({ data: x.data.map((v) => f(v * c)), shape: x.shape });

interface Loop {
  file: string;
  className: string;
  config: Record<string, unknown>;
  steps: number;
  /** The loop starts at timesteps[tStart·order]. */
  tStart: number;
  /** Scale by init_noise_sigma and step on the scaled model input, as the Euler-family tests do. */
  sigmaStyle?: boolean;
  seeded?: boolean;
  shape?: number[];
  /** Their tests without add_noise (test_full_loop_no_noise and kin): the loop starts from the sample. */
  noNoise?: string;
  /** IPNDM's full_loop: the schedule twice, the second pass with the first pass's history. */
  twice?: boolean;
  /** Absent where their test asserts only the mean. */
  sum?: number;
  mean: number;
}

const LINEAR = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };
const LINEAR_1100 = { ...LINEAR, num_train_timesteps: 1100 };
const UNIPC = { ...LINEAR, solver_order: 2, solver_type: 'bh2', final_sigmas_type: 'sigma_min' };

const DPM = {
  ...LINEAR,
  solver_order: 2,
  prediction_type: 'epsilon',
  thresholding: false,
  sample_max_value: 1.0,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  lower_order_final: false,
  euler_at_final: false,
  lambda_min_clipped: -Infinity,
  variance_type: null,
  final_sigmas_type: 'sigma_min',
};
const DDPM = { ...LINEAR, variance_type: 'fixed_small', clip_sample: true };
/** test_scheduler_dpm_single.py's get_scheduler_config: DPM's without the multistep-only keys. */
const { lower_order_final: _lof, euler_at_final: _eaf, ...SINGLE } = DPM;
/** The Euler family's tests: sample · init_noise_sigma, step on the scaled model input, 10 steps. */
const K = { config: LINEAR_1100, steps: 10, tStart: 8, sigmaStyle: true };

const LOOPS: Loop[] = [
  {
    file: 'test_scheduler_ddim.py:150-176',
    className: 'DDIMScheduler',
    config: { ...LINEAR, clip_sample: true },
    steps: 10,
    tStart: 8,
    sum: 354.5418,
    mean: 0.4616,
  },
  // DDPM's test uses the constructor's schedule (999…0), which setTimesteps(1000) reproduces.
  {
    file: 'test_scheduler_ddpm.py:193-222',
    className: 'DDPMScheduler',
    config: DDPM,
    steps: 1000,
    tStart: 998,
    seeded: true,
    sum: 387.9466,
    mean: 0.5051,
  },
  {
    file: 'test_scheduler_deis.py:242-267',
    className: 'DEISMultistepScheduler',
    config: { ...LINEAR, solver_order: 2 },
    steps: 10,
    tStart: 8,
    sum: 315.3016,
    mean: 0.41054,
  },
  {
    file: 'test_scheduler_dpm_multi.py:252-277',
    className: 'DPMSolverMultistepScheduler',
    config: DPM,
    steps: 10,
    tStart: 5,
    sum: 318.4111,
    mean: 0.4146,
  },
  {
    file: 'test_scheduler_unipc.py:260-285',
    className: 'UniPCMultistepScheduler',
    config: UNIPC,
    steps: 10,
    tStart: 8,
    sum: 315.5757,
    mean: 0.4109,
  },
  {
    file: 'test_scheduler_unipc.py:370-395 (1D)',
    className: 'UniPCMultistepScheduler',
    config: UNIPC,
    steps: 10,
    tStart: 8,
    shape: [4, 3, 8],
    sum: 39.087,
    mean: 0.4072,
  },
  {
    file: 'test_scheduler_euler.py:201-232',
    className: 'EulerDiscreteScheduler',
    ...K,
    seeded: true,
    sum: 57062.9297,
    mean: 74.3007,
  },
  {
    file: 'test_scheduler_euler_ancestral.py:124-156',
    className: 'EulerAncestralDiscreteScheduler',
    ...K,
    seeded: true,
    sum: 56163.0508,
    mean: 73.129,
  },
  { file: 'test_scheduler_heun.py:177-206', className: 'HeunDiscreteScheduler', ...K, sum: 75074.8906, mean: 97.7538 },
  {
    file: 'test_scheduler_kdpm2_discrete.py:134-166',
    className: 'KDPM2DiscreteScheduler',
    ...K,
    sum: 70408.4062,
    mean: 91.6776,
  },
  { file: 'test_scheduler_lms.py:142-170', className: 'LMSDiscreteScheduler', ...K, sum: 27663.6895, mean: 36.0204 },
  {
    file: 'test_scheduler_kdpm2_ancestral.py:125-156',
    className: 'KDPM2AncestralDiscreteScheduler',
    ...K,
    seeded: true,
    sum: 93087.3437,
    mean: 121.2074,
  },
  {
    file: 'test_scheduler_kdpm2_ancestral.py:36-62',
    className: 'KDPM2AncestralDiscreteScheduler',
    ...K,
    tStart: 0,
    seeded: true,
    noNoise: 'test_full_loop_no_noise',
    sum: 13979.9433,
    mean: 18.203,
  },
  {
    file: 'test_scheduler_kdpm2_ancestral.py:69-96',
    className: 'KDPM2AncestralDiscreteScheduler',
    ...K,
    config: { ...LINEAR_1100, prediction_type: 'v_prediction' },
    tStart: 0,
    seeded: true,
    noNoise: 'test_full_loop_with_v_prediction',
    sum: 331.8133,
    mean: 0.432,
  },
  {
    file: 'test_scheduler_dpm_single.py:307-330',
    className: 'DPMSolverSinglestepScheduler',
    config: SINGLE,
    steps: 10,
    tStart: 5,
    sum: 269.2187,
    mean: 0.3505,
  },
  ...(
    [
      ['test_full_loop_no_noise', {}, 0.2791],
      ['test_full_loop_with_karras', { use_karras_sigmas: true }, 0.2248],
      ['test_full_loop_with_v_prediction', { prediction_type: 'v_prediction' }, 0.1453],
      [
        'test_full_loop_with_karras_and_v_prediction',
        { prediction_type: 'v_prediction', use_karras_sigmas: true },
        0.0649,
      ],
    ] as const
  ).map(([what, config, mean]) => ({
    file: 'test_scheduler_dpm_single.py:102-117, 237-259',
    className: 'DPMSolverSinglestepScheduler',
    config: { ...SINGLE, ...config },
    steps: 10,
    tStart: 0,
    noNoise: what,
    mean,
  })),
  {
    file: 'test_scheduler_dpm_single.py:140-154',
    className: 'DPMSolverSinglestepScheduler',
    config: SINGLE,
    steps: 50,
    tStart: 3,
    noNoise: 'test_full_uneven_loop',
    mean: 0.2574,
  },
  {
    file: 'test_scheduler_ipndm.py:95-115, 161-165',
    className: 'IPNDMScheduler',
    config: { num_train_timesteps: 1000 },
    steps: 10,
    tStart: 0,
    noNoise: 'test_full_loop_no_noise',
    twice: true,
    mean: 2540529,
  },
];

function build(className: string, config: Record<string, unknown>): Scheduler {
  const { scheduler, findings } = createScheduler({ _class_name: className, ...config });
  assert.ok(scheduler, findings.map((x) => x.message).join('; '));
  return scheduler;
}

for (const c of LOOPS) {
  test(`diffusers ${c.file}: ${c.className} ${c.noNoise ?? 'test_full_loop_with_noise'}`, () => {
    const shape = c.shape ?? [4, 3, 8, 8];
    const s = build(c.className, c.config);
    s.setTimesteps(c.steps);
    const generator = c.seeded ? new TorchGenerator(0) : undefined;
    let sample: Tensor = deter(shape, false);
    if (c.sigmaStyle) sample = scale(sample, s.initNoiseSigma);
    const timesteps = s.timesteps.slice(c.tStart * s.order);
    if (!c.noNoise) sample = s.addNoise(sample, deter(shape, true), [timesteps[0]]);
    for (const t of c.twice ? [...timesteps, ...timesteps] : timesteps) {
      if (c.sigmaStyle) sample = s.scaleModelInput(sample, t);
      sample = s.step(model(sample, t), t, sample, generator).prevSample;
    }
    let sum = 0;
    for (const v of sample.data) sum += Math.abs(v);
    const mean = sum / sample.data.length;
    if (c.sum !== undefined) assert.ok(Math.abs(sum - c.sum) < 1e-2, `sum of |x| ${sum}, diffusers asserts ${c.sum}`);
    // Their tolerances: 1e-3 on the mean, 5e-3 for KDPM2 ancestral's, 10 for IPNDM's 2.5·10⁶.
    const tol = c.className === 'IPNDMScheduler' ? 10 : c.className.startsWith('KDPM2Ancestral') ? 5e-3 : 1e-3;
    assert.ok(Math.abs(mean - c.mean) < tol, `mean of |x| ${mean}, diffusers asserts ${c.mean}`);
  });
}
