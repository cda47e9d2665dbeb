// KDPM2AncestralDiscrete, DPMSolverSinglestep and IPNDM against diffusers 0.35.2 runs of their options
// (fixtures/reference/diffusers-classes/classes.json; seeded runs draw from a torch generator), every step
// of every run, plus what holds whatever the reference says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { NoiseSource } from '../../../src/core/rng/noiseSource';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { DPMSolverSinglestepScheduler } from '../../../src/core/samplers/dpmSolverSinglestep';
import type { Scheduler, SetTimestepsOptions } from '../../../src/core/samplers/scheduler';
import type { Tensor } from '../../../src/core/tensor/tensor';

type Config = Record<string, unknown>;
const SHAPE = [1, 4, 8, 8];
const xT = Float64Array.from({ length: 256 }, (_, i) => Math.sin(0.71 * i + 0.3) + Math.cos(1.37 * i + 0.1));
const SPECIAL: Record<string, number> = { Infinity, '-Infinity': -Infinity, NaN };
const nonFinite = (_k: string, v: unknown) => (typeof v === 'string' && v in SPECIAL ? SPECIAL[v] : v);

function build(config: Config): Scheduler {
  const { scheduler, findings } = createScheduler(config);
  assert.ok(scheduler, findings.map((f) => f.message).join('; '));
  return scheduler;
}

/** The reference fixtures' stand-in UNet: 0.5x + 0.3 tanh x + 0.1 sin(0.05 i + t/100), in x's dtype. */
function model(x: Tensor, t: number): Tensor {
  const out = x.data.map((v, i) => 0.5 * v + 0.3 * Math.tanh(v) + 0.1 * Math.sin(0.05 * i + t / 100));
  return { data: out, shape: x.shape };
}

/** A pipeline's loop in float32 or float64 latents (on custom timesteps when given); every step's sample. */
function run(s: Scheduler, n: number, float32: boolean, noise?: NoiseSource, custom?: SetTimestepsOptions) {
  s.setTimesteps(n, custom);
  const start = xT.map((v) => v * s.initNoiseSigma);
  let x: Tensor = { data: float32 ? Float32Array.from(start) : start, shape: SHAPE };
  const samples: Float64Array[] = [];
  for (const t of s.timesteps) {
    x = s.step(model(s.scaleModelInput(x, t), t), t, x, noise).prevSample;
    samples.push(Float64Array.from(x.data));
  }
  return samples;
}

const mean = (a: Float64Array) => a.reduce((m, v) => m + v, 0) / a.length;
const std = (a: Float64Array) => Math.sqrt(a.reduce((m, v) => m + (v - mean(a)) ** 2, 0) / a.length);

/** The largest difference, relative for values beyond 1 (the cosine runs' first samples are ~10⁴). */
function maxDiff(a: ArrayLike<number>, b: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

interface ClassCase {
  scheduler: string;
  config_overrides: Config;
  seed: number | null;
  prior_steps: number | null;
  num_inference_steps: number;
  dtype: 'float32' | 'float64';
  error?: string;
  timesteps: number[];
  sigmas: number[] | null;
  order_list: number[] | null;
  init_noise_sigma: number;
  /** Per step: prev_sample[0:4], mean, std. */
  steps: number[][];
  first_step_head: number[];
  final_head: number[];
}
const file = join(__dirname, '../../fixtures/reference/diffusers-classes/classes.json');
const cases: ClassCase[] = JSON.parse(readFileSync(file, 'utf8'), nonFinite).cases;

/** On samples of order 1 to 15 (relative beyond 1) and their statistics: 1e-5 for the float64 runs (worst
 * measured 2.1e-6); the seeded runs are float32 in diffusers (their noise is drawn in the sample's dtype),
 * whose rounding over a run is larger (worst measured 3.2e-5). */
const TOL = { float64: 1e-5, float32: 1e-4 };

test('the class fixtures cover the three classes, seeded runs and the runs diffusers rejects or breaks on', () => {
  assert.equal(new Set(cases.map((c) => c.scheduler)).size, 3);
  assert.ok(cases.filter((c) => c.seed !== null).length >= 8);
  assert.ok(cases.some((c) => c.error));
  assert.ok(cases.some((c) => c.timesteps?.some(Number.isNaN)));
  assert.ok(cases.some((c) => c.final_head?.some(Number.isNaN) && !c.timesteps.some(Number.isNaN)));
});

for (const c of cases) {
  const { num_train_timesteps: _, beta_start: __, beta_end: ___, steps_offset: ____, ...shown } = c.config_overrides;
  const { beta_schedule: schedule, ...label } = shown;
  if (schedule !== 'scaled_linear') Object.assign(label, { beta_schedule: schedule });
  const after = c.prior_steps === null ? '' : ` after N=${c.prior_steps}`;
  const seed = c.seed === null ? '' : ` seed ${c.seed}`;
  const name = `${c.scheduler} ${JSON.stringify(label)}${seed} N=${c.num_inference_steps}${after}`;
  if (c.error) {
    test(`${name} is refused, as diffusers fails on it`, () => {
      const { scheduler, findings } = createScheduler({ _class_name: c.scheduler, ...c.config_overrides });
      assert.equal(scheduler, undefined, `diffusers: ${c.error}`);
      assert.match(findings.map((f) => f.message).join('; '), /thresholding/);
    });
    continue;
  }
  if (c.timesteps.some(Number.isNaN) || c.final_head.some(Number.isNaN)) {
    test(`${name} is refused, as diffusers turns it to NaN`, () => {
      const s = build({ _class_name: c.scheduler, ...c.config_overrides });
      assert.throws(() => s.setTimesteps(c.num_inference_steps), /maps to no timestep|recurs/);
    });
    continue;
  }
  test(`${name} matches diffusers at every step`, () => {
    const s = build({ _class_name: c.scheduler, ...c.config_overrides });
    if (c.prior_steps !== null) s.setTimesteps(c.prior_steps);
    const noise = c.seed === null ? undefined : new TorchGenerator(c.seed);
    const samples = run(s, c.num_inference_steps, c.dtype === 'float32', noise);
    const tol = TOL[c.dtype];
    if (c.timesteps.every(Number.isInteger)) assert.deepEqual([...s.timesteps], c.timesteps);
    else
      c.timesteps.forEach((t, i) => assert.ok(Math.abs(s.timesteps[i] - t) <= 1e-6 * t, `t ${i}: ${s.timesteps[i]}`));
    if (c.sigmas === null) assert.equal(s.sigmas, undefined);
    else
      c.sigmas.forEach((v, i) => assert.ok(Math.abs(s.sigmas![i] - v) <= 1e-6 * v, `σ ${i}: ${s.sigmas![i]} vs ${v}`));
    assert.ok(Math.abs(s.initNoiseSigma - c.init_noise_sigma) <= 1e-6 * c.init_noise_sigma);
    assert.equal(samples.length, c.steps.length);
    if (c.order_list) assert.deepEqual((s as DPMSolverSinglestepScheduler).orderList, c.order_list);
    samples.forEach((x, i) => {
      const got = [...x.subarray(0, 4), mean(x), std(x)];
      assert.ok(maxDiff(got, c.steps[i]) <= tol, `step ${i}: off by ${maxDiff(got, c.steps[i])}`);
    });
    assert.ok(
      maxDiff(samples[0], c.first_step_head) <= tol,
      `first step off by ${maxDiff(samples[0], c.first_step_head)}`,
    );
    const last = samples[samples.length - 1];
    assert.ok(maxDiff(last, c.final_head) <= tol, `final sample off by ${maxDiff(last, c.final_head)}`);
  });
}

// diffusers' test_scheduler_dpm_single.py test_custom_timesteps: the schedule's own timesteps given back
// as custom timesteps run the same loop.
test('DPMSolverSinglestep: its timesteps given back as custom timesteps sample the same', () => {
  for (const prediction_type of ['epsilon', 'sample', 'v_prediction'])
    for (const lower_order_final of [true, false])
      for (const final_sigmas_type of ['sigma_min', 'zero']) {
        const config = {
          _class_name: 'DPMSolverSinglestepScheduler',
          prediction_type,
          lower_order_final,
          final_sigmas_type,
        };
        const s = build(config);
        const own = run(s, 10, false);
        const custom = run(build(config), 10, false, undefined, { timesteps: [...s.timesteps] });
        assert.deepEqual(custom, own, JSON.stringify(config));
      }
});

test("IPNDM's trained_betas are its own schedule: two or more coefficients in [0, 1], N fixed by them", () => {
  const finding = (trained_betas: number[]) =>
    createScheduler({ _class_name: 'IPNDMScheduler', trained_betas }).findings.find((f) => f.severity === 'error');
  assert.equal(finding([0.5])?.code, 'trained-betas-length');
  assert.match(finding([0.9, 1.5, 0])?.message ?? '', /trained_betas\[1\] = 1\.5/);
  assert.equal(finding([1, 0.5, 0]), undefined);
  const s = build({ _class_name: 'IPNDMScheduler', trained_betas: [1, 0.5, 0] });
  assert.throws(() => s.setTimesteps(4), /num_inference_steps 4 must be 2/);
});

test('IPNDM refuses add_noise, which diffusers does not have for it (image-to-image needs another class)', () => {
  const s = build({ _class_name: 'IPNDMScheduler' });
  s.setTimesteps(4);
  const x: Tensor = { data: new Float32Array(256), shape: SHAPE };
  assert.throws(() => s.addNoise(x, x, [s.timesteps[0]]), /IPNDMScheduler has no add_noise in diffusers/);
});
