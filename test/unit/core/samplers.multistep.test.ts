// DPM-Solver(++), UniPC and DEIS beyond what the conformance suite checks for every sampler (the
// shared reference fixtures: default, Karras, zero-SNR, v-prediction, trailing, N ∈ {1, 4, 20, 50}):
// diffusers 0.35.2 runs of every other option (fixtures/reference/diffusers-multistep, SDE runs with a
// seeded torch generator), and properties that hold whatever the reference says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { NoiseSource } from '../../../src/core/rng/noiseSource';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { Scheduler } from '../../../src/core/samplers/scheduler';
import type { Tensor } from '../../../src/core/tensor/tensor';

type Config = Record<string, unknown>;
const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1 };
const SHAPE = [1, 4, 8, 8];
const xT = Float64Array.from({ length: 256 }, (_, i) => Math.sin(0.71 * i + 0.3) + Math.cos(1.37 * i + 0.1));

function build(config: Config): Scheduler {
  const { scheduler, findings } = createScheduler(config);
  assert.ok(scheduler, findings.map((f) => f.message).join('; '));
  return scheduler;
}

/** The reference fixtures' stand-in UNet: 0.5x + 0.3 tanh x + 0.1 sin(0.05 i + t/100). */
function model(x: Tensor, t: number): Tensor {
  return {
    data: Float64Array.from(x.data, (v, i) => 0.5 * v + 0.3 * Math.tanh(v) + 0.1 * Math.sin(0.05 * i + t / 100)),
    shape: x.shape,
  };
}

/** A pipeline's loop; the sample after the first step, at the end, and the last x̂0. */
function run(s: Scheduler, n: number, noise?: NoiseSource) {
  s.setTimesteps(n);
  let x: Tensor = { data: xT.map((v) => v * s.initNoiseSigma), shape: SHAPE };
  let first: Float64Array | undefined;
  let x0: Tensor | undefined;
  for (const t of s.timesteps) {
    const out = s.step(model(s.scaleModelInput(x, t), t), t, x, noise);
    [x, x0] = [out.prevSample, out.predOriginalSample];
    first ??= Float64Array.from(x.data);
  }
  return { first: first!, final: Float64Array.from(x.data), x0: Float64Array.from(x0!.data) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

interface OptionCase {
  scheduler: string;
  config_overrides: Config;
  seed: number | null;
  num_inference_steps: number;
  timesteps: number[];
  sigmas: number[];
  first_step_sample: number[];
  final_sample: number[];
}
const optionFile = join(__dirname, '../../fixtures/reference/diffusers-multistep/multistep_options.json');
const options: OptionCase[] = JSON.parse(readFileSync(optionFile, 'utf8')).cases;

test('the option fixtures cover all three classes, SDE runs and both step counts', () => {
  assert.deepEqual(new Set(options.map((c) => c.scheduler)).size, 3);
  assert.ok(options.filter((c) => c.seed !== null).length >= 8);
});

for (const c of options) {
  const { num_train_timesteps: _, beta_start: __, beta_end: ___, steps_offset: ____, ...shown } = c.config_overrides;
  test(`${c.scheduler} ${JSON.stringify(shown)}${c.seed === null ? '' : ` seed ${c.seed}`} N=${c.num_inference_steps} matches diffusers`, () => {
    const s = build({ _class_name: c.scheduler, ...c.config_overrides });
    const { first, final } = run(s, c.num_inference_steps, c.seed === null ? undefined : new TorchGenerator(c.seed));
    assert.deepEqual([...s.timesteps], c.timesteps);
    c.sigmas.forEach((v, i) =>
      assert.ok(Math.abs(s.sigmas![i] - v) <= 1e-6 * v, `sigma ${i}: ${s.sigmas![i]} vs ${v}`),
    );
    // 1e-4 absolute, as for the shared fixtures; the largest error measured here is 3e-5.
    assert.ok(maxDiff(first, c.first_step_sample) <= 1e-4, `first step off by ${maxDiff(first, c.first_step_sample)}`);
    assert.ok(maxDiff(final, c.final_sample) <= 1e-4, `final sample off by ${maxDiff(final, c.final_sample)}`);
  });
}

test('every first-order multistep solver is DDIM (η = 0) on the same timesteps', () => {
  const common = { ...SD, timestep_spacing: 'trailing' };
  const ddim = run(
    build({ _class_name: 'DDIMScheduler', ...common, set_alpha_to_one: false, clip_sample: false }),
    10,
  ).final;
  const firstOrder: Config[] = [
    { _class_name: 'DPMSolverMultistepScheduler', solver_order: 1, final_sigmas_type: 'sigma_min' },
    {
      _class_name: 'DPMSolverMultistepScheduler',
      solver_order: 1,
      algorithm_type: 'dpmsolver',
      final_sigmas_type: 'sigma_min',
    },
    { _class_name: 'DEISMultistepScheduler', solver_order: 1 },
    {
      _class_name: 'UniPCMultistepScheduler',
      solver_order: 1,
      final_sigmas_type: 'sigma_min',
      disable_corrector: [...Array(10).keys()],
    },
  ];
  for (const config of firstOrder) {
    const s = build({ ...common, ...config });
    const { final } = run(s, 10);
    assert.deepEqual([...s.timesteps], [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    assert.ok(maxDiff(final, ddim) < 1e-5, `${JSON.stringify(config)} differs from DDIM by ${maxDiff(final, ddim)}`);
  }
  // Second order does not collapse to the first-order result.
  const second = run(
    build({ _class_name: 'DPMSolverMultistepScheduler', ...common, final_sigmas_type: 'sigma_min' }),
    10,
  ).final;
  assert.ok(maxDiff(second, ddim) > 1e-3);
});

test('DPM-Solver with custom timesteps follows them; out-of-range ones are named', () => {
  const spaced = build({ _class_name: 'DPMSolverMultistepScheduler', ...SD, timestep_spacing: 'trailing' });
  const reference = run(spaced, 7).final;
  const custom = build({ _class_name: 'DPMSolverMultistepScheduler', ...SD });
  custom.setTimesteps(7, { timesteps: [...spaced.timesteps] });
  assert.deepEqual([...custom.sigmas!], [...spaced.sigmas!]);
  let x: Tensor = { data: xT, shape: SHAPE };
  for (const t of custom.timesteps) x = custom.step(model(x, t), t, x).prevSample;
  assert.deepEqual(x.data, reference);
  assert.throws(
    () => custom.setTimesteps(2, { timesteps: [1000, 10] }),
    /custom timesteps \[1000, 10\] must be integers from 0 to 999/,
  );
  assert.throws(
    () => build({ _class_name: 'DEISMultistepScheduler' }).setTimesteps(2, { timesteps: [500, 10] }),
    /no custom timesteps/,
  );
});

test('DPM++ 2M SDE: a seed reproduces, another seed differs, one draw per step as diffusers makes', () => {
  const s = build({
    _class_name: 'DPMSolverMultistepScheduler',
    ...SD,
    algorithm_type: 'sde-dpmsolver++',
    use_karras_sigmas: true,
  });
  const a = run(s, 8, new TorchGenerator(42)).final;
  assert.deepEqual(run(s, 8, new TorchGenerator(42)).final, a);
  assert.ok(maxDiff(run(s, 8, new TorchGenerator(43)).final, a) > 1e-3);
  // After 8 steps the generator continues where a generator that made 8 draws of this shape does.
  const used = new TorchGenerator(5);
  run(s, 8, used);
  const fresh = new TorchGenerator(5);
  for (let i = 0; i < 8; i++) fresh.randn(SHAPE);
  assert.deepEqual(used.randn(SHAPE), fresh.randn(SHAPE));
  s.setTimesteps(8);
  assert.throws(
    () => s.step(model({ data: xT, shape: SHAPE }, s.timesteps[0]), s.timesteps[0], { data: xT, shape: SHAPE }),
    /sde-dpmsolver\+\+ needs a noise source/,
  );
});

test('UniPC bh1 ending at σ 0 lands on x̂0 (diffusers 0.35.2 returns NaN there: B(h) = h is −∞)', () => {
  const { final, x0 } = run(build({ _class_name: 'UniPCMultistepScheduler', ...SD, solver_type: 'bh1' }), 6);
  assert.ok(final.every(Number.isFinite));
  assert.ok(maxDiff(final, x0) < 1e-12);
});

test('configs diffusers rejects, or this port does not implement, come back as findings', () => {
  const bad: [Config, RegExp][] = [
    [
      {
        _class_name: 'DPMSolverMultistepScheduler',
        algorithm_type: 'sde-dpmsolver',
        solver_order: 3,
        final_sigmas_type: 'sigma_min',
      },
      /no third-order/,
    ],
    [
      { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver' },
      /final_sigmas_type .zero. (needs|is not supported)/,
    ],
    [{ _class_name: 'DPMSolverMultistepScheduler', solver_type: 'rk4' }, /solver_type .rk4. is not one of/],
    [{ _class_name: 'DPMSolverMultistepScheduler', solver_order: 4 }, /solver_order (= )?4 is above/],
    [{ _class_name: 'UniPCMultistepScheduler', solver_order: 0 }, /solver_order (= )?0/],
    [
      { _class_name: 'UniPCMultistepScheduler', predict_x0: false },
      /predict_x0 false needs final_sigmas_type 'sigma_min'/,
    ],
    [
      { _class_name: 'UniPCMultistepScheduler', lower_order_final: false },
      /lower_order_final false with solver_order above 1 needs/,
    ],
    [{ _class_name: 'DEISMultistepScheduler', use_karras_sigmas: true, use_beta_sigmas: true }, /only one of/i],
    [{ _class_name: 'UniPCMultistepScheduler', use_flow_sigmas: true }, /flow-matching/],
  ];
  for (const [config, message] of bad) {
    const { scheduler, findings } = createScheduler(config);
    assert.equal(scheduler, undefined, JSON.stringify(config));
    assert.ok(
      findings.some((f) => f.severity === 'error' && message.test(f.message)),
      `${JSON.stringify(config)}: ${findings.map((f) => f.message)}`,
    );
  }
  // Values of a sibling multistep class fall back as diffusers re-registers them.
  assert.equal(build({ _class_name: 'UniPCMultistepScheduler', solver_type: 'midpoint' }).config.solver_type, 'bh2');
  assert.equal(
    build({ _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'deis', solver_type: 'bh2' }).config
      .solver_type,
    'midpoint',
  );
});

test('a run that skips a step is refused; a finished run can start over', () => {
  const s = build({ _class_name: 'UniPCMultistepScheduler', ...SD, solver_order: 3 });
  const once = run(s, 5).final;
  const x: Tensor = { data: xT, shape: SHAPE };
  const [t0, t1, t2] = s.timesteps;
  s.step(model(x, t0), t0, x);
  assert.throws(
    () => s.step(model(x, t2), t2, x),
    new RegExp(`expected timestep ${t1} \\(step 2 of 5\\) but got ${t2}`),
  );
  // Without setTimesteps in between, the second loop starts afresh (its history cleared).
  s.setTimesteps(5);
  const loop = () => {
    let y: Tensor = x;
    for (const t of s.timesteps) y = s.step(model(y, t), t, y).prevSample;
    return y.data;
  };
  assert.deepEqual(loop(), once);
  assert.deepEqual(loop(), once);
});
