// EDMEulerScheduler, EDMDPMSolverMultistepScheduler and TCDScheduler against diffusers 0.35.2's own runs
// (test/fixtures/reference/diffusers-edm/edm_tcd.json, made by gen_edm_tcd_fixtures.py): the stand-in model,
// x_T and loop of the shared reference trajectories; runs that draw noise use a seeded torch generator in
// float32, as a float32 pipeline draws it; and add_noise at scheduled timesteps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';
import { createScheduler } from '../../../../src/core/samplers/registry';
import type { Scheduler, StepOptions } from '../../../../src/core/samplers/scheduler';
import type { Tensor } from '../../../../src/core/tensor/tensor';

interface Case {
  scheduler: string;
  config: Record<string, unknown>;
  step_kwargs: { s_churn?: number; s_tmin?: number; s_tmax?: number; s_noise?: number; eta?: number };
  seed: number | null;
  dtype: 'float32' | 'float64';
  num_inference_steps: number;
  timesteps: number[];
  sigmas: number[] | null;
  init_noise_sigma: number;
  first_step_sample: number[];
  final_sample: number[];
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../../fixtures/reference/diffusers-edm/edm_tcd.json'), 'utf8'),
) as { cases: Case[]; add_noise: { scheduler: string; num_inference_steps: number; index: number; noisy: number[] }[] };
const SHAPE = [1, 4, 8, 8];
const xT = Float64Array.from({ length: 256 }, (_, i) => Math.sin(0.71 * i + 0.3) + Math.cos(1.37 * i + 0.1));

function build(config: Record<string, unknown>): Scheduler {
  const { scheduler, findings } = createScheduler(config);
  assert.ok(scheduler, findings.map((f) => f.message).join('; '));
  return scheduler;
}

/** The reference fixtures' stand-in UNet: 0.5x + 0.3 tanh x + 0.1 sin(0.05 i + t/100), in the sample's dtype. */
function model(x: Tensor, t: number): Tensor {
  const f = x.data instanceof Float32Array ? Math.fround : (v: number) => v;
  return {
    data: x.data.map((v, i) => 0.5 * v + 0.3 * Math.tanh(v) + 0.1 * f(Math.sin(0.05 * i + t / 100))),
    shape: x.shape,
  };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function stepOptions(kw: Case['step_kwargs']): StepOptions {
  return { sChurn: kw.s_churn, sTmin: kw.s_tmin, sTmax: kw.s_tmax, sNoise: kw.s_noise, eta: kw.eta };
}

test('the fixture covers the three classes, seeded runs of each stochastic path, and 1 to 50 steps', () => {
  const classes = new Set(fixture.cases.map((c) => c.scheduler));
  assert.deepEqual([...classes].sort(), ['EDMDPMSolverMultistepScheduler', 'EDMEulerScheduler', 'TCDScheduler']);
  for (const cls of classes)
    assert.ok(
      fixture.cases.some((c) => c.scheduler === cls && c.seed !== null),
      cls,
    );
  assert.deepEqual(
    [...new Set(fixture.cases.map((c) => c.num_inference_steps))].sort((a, b) => a - b),
    [1, 4, 8, 20, 25, 50],
  );
});

for (const c of fixture.cases) {
  const kw = Object.keys(c.step_kwargs).length ? ` ${JSON.stringify(c.step_kwargs)}` : '';
  const seed = c.seed === null ? '' : ` seed ${c.seed}`;
  test(`${c.scheduler} ${JSON.stringify(c.config)}${kw}${seed} N=${c.num_inference_steps} matches diffusers`, () => {
    const s = build({ _class_name: c.scheduler, ...c.config });
    const noise = c.seed === null ? undefined : new TorchGenerator(c.seed);
    s.setTimesteps(c.num_inference_steps);
    c.timesteps.forEach((v, i) =>
      assert.ok(Math.abs(s.timesteps[i] - v) <= 1e-6 * Math.abs(v), `timestep ${i}: ${s.timesteps[i]} vs ${v}`),
    );
    assert.equal(s.timesteps.length, c.timesteps.length);
    c.sigmas?.forEach((v, i) => assert.ok(Math.abs(s.sigmas![i] - v) <= 1e-6 * v, `σ ${i}: ${s.sigmas![i]} vs ${v}`));
    assert.ok(Math.abs(s.initNoiseSigma - c.init_noise_sigma) <= 1e-6 * c.init_noise_sigma);
    const init = xT.map((v) => v * s.initNoiseSigma);
    let x: Tensor = { data: c.dtype === 'float32' ? Float32Array.from(init) : init, shape: SHAPE };
    let first: Float64Array | undefined;
    for (const t of s.timesteps) {
      x = s.step(model(s.scaleModelInput(x, t), t), t, x, noise, stepOptions(c.step_kwargs)).prevSample;
      first ??= Float64Array.from(x.data);
    }
    // 1e-4 absolute, as for the shared reference trajectories.
    assert.ok(
      maxDiff(first!, c.first_step_sample) <= 1e-4,
      `first step off by ${maxDiff(first!, c.first_step_sample)}`,
    );
    assert.ok(maxDiff(x.data, c.final_sample) <= 1e-4, `final sample off by ${maxDiff(x.data, c.final_sample)}`);
  });
}

test("add_noise matches diffusers at scheduled timesteps: x0 + σ·ε for the EDM classes, DDPM's for TCD", () => {
  const x0 = Float32Array.from(xT, (v) => v / 2);
  const eps = Float32Array.from({ length: 256 }, (_, i) => Math.cos(0.3 * i));
  assert.equal(fixture.add_noise.length, 9);
  for (const c of fixture.add_noise) {
    const s = build({ _class_name: c.scheduler });
    s.setTimesteps(c.num_inference_steps);
    const t = s.timesteps[c.index];
    const noisy = s.addNoise({ data: x0, shape: SHAPE }, { data: eps, shape: SHAPE }, [t]);
    const d = maxDiff(noisy.data, c.noisy);
    assert.ok(d <= 1e-5 * Math.max(1, ...c.noisy.map(Math.abs)), `${c.scheduler} index ${c.index}: off by ${d}`);
  }
});
