// One suite over every registered sampler: schedules and trajectories against diffusers 0.35.2
// (test/fixtures/reference/diffusers, every case in the files), plus the contract every sampler keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScheduler, schedulerClassNames } from '../../../src/core/samplers/registry';
import type { Scheduler } from '../../../src/core/samplers/scheduler';
import type { NoiseSource } from '../../../src/core/rng/noiseSource';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { Tensor } from '../../../src/core/tensor/tensor';

const FIXTURES = join(__dirname, '../../fixtures/reference/diffusers');

function fixture(name: string): any {
  // Non-finite floats are stored as strings ("-Infinity" in DPM-Solver's lambda_min_clipped).
  const special: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'), (_k, v) =>
    typeof v === 'string' && v in special ? special[v] : v,
  );
}

function build(json: Record<string, unknown>): Scheduler {
  const { scheduler, findings } = createScheduler(json);
  assert.ok(scheduler, `no scheduler for ${JSON.stringify(json)}: ${findings.map((f) => f.message).join('; ')}`);
  return scheduler;
}

function assertClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  rel: number,
  abs: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const tol = abs + rel * Math.abs(expected[i]);
    assert.ok(
      actual[i] === expected[i] || Math.abs(actual[i] - expected[i]) <= tol, // equal infinities too
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tol})`,
    );
  }
}

const traj = fixture('trajectories.json');
const SHAPE: readonly number[] = traj.meta.shape;
const xT = Float64Array.from(traj.x_T as number[]);

/** The fixtures' stand-in UNet: model(x, t)[i] = 0.5·x + 0.3·tanh(x) + 0.1·sin(0.05·i + t/100). */
function model(x: Tensor, t: number): Tensor {
  return {
    data: Float64Array.from(x.data, (v, i) => 0.5 * v + 0.3 * Math.tanh(v) + 0.1 * Math.sin(0.05 * i + t / 100)),
    shape: x.shape,
  };
}

/** A pipeline's loop; returns the sample after the first step and at the end. */
function sample(
  s: Scheduler,
  n: number,
  noise?: NoiseSource,
  x0: Float64Array = xT,
): { first: Float64Array; last: Float64Array } {
  s.setTimesteps(n);
  let x: Tensor = { data: x0.map((v) => v * s.initNoiseSigma), shape: SHAPE };
  let first: Float64Array | undefined;
  for (const t of s.timesteps) {
    x = s.step(model(s.scaleModelInput(x, t), t), t, x, noise).prevSample;
    first ??= Float64Array.from(x.data);
  }
  return { first: first!, last: Float64Array.from(x.data) };
}

const seeded = (seed: number): NoiseSource => new TorchGenerator(seed);

test('every registered sampler has diffusers reference schedules', () => {
  for (const name of schedulerClassNames) assert.ok(fixture(`timesteps_${name}.json`).cases.length > 0, name);
});

test('every reference trajectory is run: each names a registered sampler', () => {
  const orphans = traj.cases
    .filter((c: any) => !schedulerClassNames.includes(c.scheduler))
    .map((c: any) => c.scheduler);
  assert.deepEqual(orphans, []);
  assert.equal(traj.cases.length, 77);
});

for (const name of schedulerClassNames) {
  test(`${name}: timesteps, sigmas and init_noise_sigma match diffusers for every case`, () => {
    const f = fixture(`timesteps_${name}.json`);
    for (const c of f.cases) {
      const what = `${name} ${c.variant} ${c.timestep_spacing} N=${c.num_inference_steps}`;
      const spacing = c.timestep_spacing === 'n/a' ? {} : { timestep_spacing: c.timestep_spacing };
      const s = build({ _class_name: name, ...f.variants[c.variant], ...spacing });
      s.setTimesteps(c.num_inference_steps);
      if (c.timesteps_dtype === 'int64') assert.deepEqual([...s.timesteps], c.timesteps, `${what} timesteps`);
      else assertClose(s.timesteps, c.timesteps, 1e-6, 0, `${what} timesteps`);
      if (c.sigmas) assertClose(s.sigmas!, c.sigmas, 1e-6, 0, `${what} sigmas`);
      else assert.equal(s.sigmas, undefined, `${what}: diffusers has no sigmas for this class`);
      assertClose([s.initNoiseSigma], [c.init_noise_sigma], 1e-6, 0, `${what} init_noise_sigma`);
    }
  });

  const cases = traj.cases.filter((c: any) => c.scheduler === name);
  test(`${name}: sampling trajectories match diffusers (${cases.length} runs)`, () => {
    for (const c of cases) {
      const what = `${name} ${c.variant} ${c.prediction_type} ${c.timestep_spacing} N=${c.num_inference_steps}`;
      const s = build({ _class_name: name, ...c.config_overrides });
      const { first, last } = sample(s, c.num_inference_steps);
      assertClose(s.timesteps, c.timesteps, 1e-6, 0, `${what} timesteps`);
      // 1e-4 absolute, every run. The zero-SNR Euler runs start at σ ≈ 4096 (ᾱ_T = 2⁻²⁴), where one
      // float32 ulp of σ − σ_next is 2.4e-4 and the first sample is ~4096·x_T: they pass this bound
      // only because the samplers round where diffusers rounds to float32 (the sample cast, dt);
      // computing those in float64 instead put the first step 1.4e-4 away (measured at N = 50).
      assertClose(first, c.first_step_sample, 0, 1e-4, `${what} first step`);
      assertClose(last, c.final_sample, 0, 1e-4, `${what} final`);
    }
  });

  test(`${name}: keeps the shape and dtype, is deterministic for a seed, ends at σ 0`, () => {
    const s = build({ _class_name: name, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
    const a = sample(s, 4, seeded(7));
    const b = sample(s, 4, seeded(7));
    assert.deepEqual(a.last, b.last);
    assert.ok(a.last.every(Number.isFinite));
    // DEIS has no final_sigmas_type: diffusers ends it at σ_min, the σ of training timestep 0.
    const a0 = s.alphasCumprod[0];
    const end = name === 'DEISMultistepScheduler' ? Math.sqrt((1 - a0) / a0) : 0;
    if (s.sigmas) assert.ok(Math.abs(s.sigmas[s.sigmas.length - 1] - end) <= 1e-6 * end, `${name} ends at σ ${end}`);
    s.setTimesteps(4);
    const x32: Tensor = { data: Float32Array.from(xT), shape: SHAPE };
    const t = s.timesteps[0];
    const out = s.step({ data: new Float32Array(xT.length), shape: SHAPE }, t, x32, seeded(1));
    assert.deepEqual(out.prevSample.shape, SHAPE);
    assert.ok(out.prevSample.data instanceof Float32Array && out.predOriginalSample.data instanceof Float32Array);
  });

  test(`${name}: sigmaAt(t) is the noise level of the model input at t`, () => {
    const s = build({ _class_name: name, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
    s.setTimesteps(4);
    const one: Tensor = { data: new Float64Array([1]), shape: [1] };
    for (const t of s.timesteps) {
      const scale = s.scaleModelInput(one, t).data[0];
      // k-diffusion-style classes scale the input by 1/√(σ²+1), the EDM ones by 1/√(σ²+σ_data²); the
      // others see x at σ of ᾱ_t, but IPNDM, whose t ∈ (0, 1] is an angle: noise sin(πt/2) over signal
      // cos(πt/2), written so that t = 1 is ∞.
      const sigma = s.sigmaAt(t);
      const sd = (s.config.sigma_data as number | undefined) ?? 1;
      const a = s.alphasCumprod[t];
      if (name === 'IPNDMScheduler')
        assertClose([sigma], [1 / Math.tan((Math.PI / 2) * (1 - t))], 1e-5, 0, `${name} σ at t=${t}`);
      else if (scale !== 1)
        assertClose([scale], [1 / Math.sqrt(sigma * sigma + sd * sd)], 1e-5, 0, `${name} c_in at t=${t}`);
      else assertClose([sigma], [Math.sqrt((1 - a) / a)], 1e-5, 0, `${name} σ at t=${t}`);
    }
    assert.throws(() => s.sigmaAt(0.5), /not in the schedule/);
  });

  test(`${name}: modelInputScale(t) is the factor scaleModelInput multiplies by, the same bits`, () => {
    const config = { _class_name: name, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };
    // Two schedulers, each called as a loop calls it (Heun and KDPM2 visit their timesteps twice).
    const [a, b] = [build(config), build(config)];
    a.setTimesteps(6);
    b.setTimesteps(6);
    const x: Tensor = { data: Float32Array.of(1, -0.3, 7.25, 1e-30, -2e6), shape: [5] };
    for (const t of a.timesteps) {
      const c = b.modelInputScale(t);
      const expected = Float32Array.from(x.data, (v) => v * c);
      assert.deepEqual(a.scaleModelInput(x, t).data, expected, `${name} at t=${t}`);
      a.step({ data: new Float32Array(5), shape: [5] }, t, x, seeded(1));
      b.step({ data: new Float32Array(5), shape: [5] }, t, x, seeded(1));
    }
  });

  test(`${name}: drawsStepNoise(eta) says whether a run of step() draws noise of the sample's shape`, () => {
    const sde = { algorithm_type: 'sde-dpmsolver', final_sigmas_type: 'sigma_min' };
    const variants: Record<string, Record<string, string>[]> = {
      DPMSolverMultistepScheduler: [{}, { algorithm_type: 'sde-dpmsolver++' }, sde],
      DPMSolverSinglestepScheduler: [{}, { algorithm_type: 'sde-dpmsolver++' }],
    };
    for (const variant of variants[name] ?? [{}]) {
      for (const eta of [undefined, 0, 0.5]) {
        const s = build({ _class_name: name, beta_schedule: 'scaled_linear', ...variant });
        const steps = 6;
        s.setTimesteps(steps);
        let draws = 0;
        const counting: NoiseSource = {
          randn: (shape, out) => {
            assert.deepEqual([...shape], [...SHAPE]);
            draws++;
            return seeded(draws).randn(shape, out);
          },
        };
        let x: Tensor = { data: xT.map((v) => v * s.initNoiseSigma), shape: SHAPE };
        for (const t of s.timesteps) x = s.step(model(s.scaleModelInput(x, t), t), t, x, counting, { eta }).prevSample;
        const what = `${name} ${JSON.stringify(variant)} eta ${eta}: ${draws} draws`;
        assert.equal(s.drawsStepNoise(eta), draws > 0, what);
        if (draws > 0) assert.ok(draws >= steps - 1, what);
      }
    }
  });

  test(`${name}: setTimesteps rejects step counts outside 1..num_train_timesteps`, () => {
    const s = build({ _class_name: name });
    for (const n of [0, 1.5, 100000])
      assert.throws(() => s.setTimesteps(n), new RegExp(`${name}.*num_inference_steps`));
  });

  test(`${name}: step() names mismatched shapes and timesteps outside the schedule`, () => {
    const s = build({ _class_name: name });
    s.setTimesteps(10);
    const x: Tensor = { data: new Float64Array(256), shape: SHAPE };
    const wrong: Tensor = { data: new Float64Array(128), shape: [1, 2, 8, 8] };
    assert.throws(() => s.step(wrong, s.timesteps[0], x, seeded(1)), /\[1, 2, 8, 8\].*\[1, 4, 8, 8\]/);
    assert.throws(() => s.step(model(x, 0), 12345.5, x, seeded(1)), /timestep 12345\.5 is not in the schedule/);
  });
}
