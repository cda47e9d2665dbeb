// The forward process against diffusers 0.35.2 (test/fixtures/reference/forward/forward.json, made by
// gen_forward_fixtures.py): add_noise of every class, get_velocity, the img2img timestep rule and
// DDIM inversion; and DDIMInverseScheduler's timesteps (../diffusers/timesteps_DDIMInverseScheduler.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScheduler, schedulerClassNames } from '../../../src/core/samplers/registry';
import type { Scheduler } from '../../../src/core/samplers/scheduler';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { Tensor } from '../../../src/core/tensor/tensor';
import { img2imgTimesteps } from '../../../src/core/forward/img2img';

const REF = join(__dirname, '../../fixtures/reference');
const ref = JSON.parse(readFileSync(join(REF, 'forward/forward.json'), 'utf8'));
const SHAPE: number[] = ref.meta.shape;
const N = SHAPE.reduce((a, b) => a * b, 1);

type Arr = Float32Array | Float64Array;
const make = (dtype: string, fn: (i: number) => number): Tensor => {
  const data: Arr = dtype === 'float64' ? new Float64Array(N) : new Float32Array(N);
  for (let i = 0; i < N; i++) data[i] = fn(i);
  return { data, shape: SHAPE };
};
/** The generator's formulas (meta.x0_formula, meta.noise_formula). */
const x0 = (dtype = 'float32') => make(dtype, (i) => ((37 * i) % N) / (N / 2) - 1);
const eps = (dtype = 'float32') => make(dtype, (i) => Math.sin(0.71 * i + 0.3) + Math.cos(1.37 * i + 0.1));

function build(json: Record<string, unknown>): Scheduler {
  const { scheduler, findings } = createScheduler(json);
  assert.ok(scheduler, `no scheduler for ${JSON.stringify(json)}: ${findings.map((f) => f.message).join('; ')}`);
  return scheduler;
}

type Expected = readonly number[];
function assertClose(actual: ArrayLike<number>, expected: Expected, rel: number, abs: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const tol = abs + rel * Math.abs(expected[i]);
    const [a, e] = [actual[i], expected[i]];
    assert.ok(Math.abs(a - e) <= tol, `${what}[${i}]: ${a} vs ${e} (tolerance ${tol})`);
  }
}

/** The case's scheduler state: training use, a schedule, a begin index, or a begin index and one step. */
function prepare(c: any): Scheduler {
  const s = build({ _class_name: c.scheduler, ...c.config });
  if (c.case === 'training') return s;
  s.setTimesteps(10);
  const m = /^begin_index (\d+)(, after one step)?$/.exec(c.case);
  if (!m) return s;
  const begin = Number(m[1]);
  s.setBeginIndex!(begin);
  if (m[2]) {
    const t = s.timesteps[begin];
    const x = s.addNoise(x0(), eps(), [t]);
    const scaled = s.scaleModelInput(x, t);
    s.step({ data: scaled.data.map((v) => 0.1 * v), shape: SHAPE }, t, x, new TorchGenerator(0));
  }
  return s;
}

/** The scheduled timestep diffusers' t stands for: schedules agree to 1e-6 (the conformance suite),
 * not always to the last bit of a float32 Karras timestep. Unscheduled t stay as they are. */
function scheduled(s: Scheduler, t: number): number {
  return s.timesteps.find((u) => Math.abs(u - t) <= 1e-6 * Math.abs(t)) ?? t;
}

test(`add_noise matches diffusers for every class, state and dtype (${ref.add_noise.length} cases)`, () => {
  const classes = new Set<string>();
  for (const c of ref.add_noise) {
    const karras = c.config.use_karras_sigmas ? ' karras' : '';
    const what = `${c.scheduler}${karras} ${c.case} t=${c.timesteps} ${c.dtype}`;
    const s = prepare(c);
    const out = s.addNoise(
      x0(c.dtype),
      eps(c.dtype),
      c.timesteps.map((t: number) => scheduled(s, t)),
    );
    assert.equal(out.data instanceof Float32Array, c.dtype === 'float32', `${what}: dtype`);
    // float32 cases round where torch rounds; the sum of two rounded products can still differ by one ulp.
    assertClose(out.data, c.noisy, c.dtype === 'float32' ? 1.2e-7 : 1e-15, 1e-7, what);
    classes.add(c.scheduler);
  }
  // Every generating class but IPNDM, which has no add_noise in diffusers (and refuses it here), and the
  // EDM classes and TCD, whose add_noise edmTcd.parity.test.ts checks against their own fixture.
  const elsewhere = ['IPNDMScheduler', 'EDMEulerScheduler', 'EDMDPMSolverMultistepScheduler', 'TCDScheduler'];
  assert.deepEqual([...classes].sort(), schedulerClassNames.filter((n) => !elsewhere.includes(n)).sort());
});

test('get_velocity matches diffusers (DDIM, DDPM, LCM by t; Euler by schedule position)', () => {
  for (const c of ref.get_velocity) {
    const s = build({ _class_name: c.scheduler, ...c.config });
    if (c.set_timesteps) s.setTimesteps(c.set_timesteps);
    const v = s.getVelocity!(
      x0(),
      eps(),
      c.timesteps.map((t: number) => scheduled(s, t)),
    );
    assertClose(v.data, c.velocity, 1.2e-7, 1e-7, `${c.scheduler} t=${c.timesteps}`);
  }
});

test(`img2img timesteps, steps, begin index and initial latents match diffusers (${ref.img2img.length} cases)`, () => {
  for (const c of ref.img2img) {
    const what = `${c.scheduler} N=${c.num_inference_steps} strength=${c.strength}`;
    const s = build({ _class_name: c.scheduler, ...c.config });
    assert.equal(s.order, c.order, `${what}: order`);
    const run = img2imgTimesteps(s, c.num_inference_steps, c.strength);
    assertClose(run.timesteps, c.timesteps, 1e-6, 0, `${what} timesteps`);
    assert.equal(run.steps, c.steps, `${what} steps`);
    if (c.begin_index !== null) assert.equal(run.beginIndex, c.begin_index, `${what} begin index`);
    if (c.init_latents) {
      const latents = s.addNoise(x0(), eps(), [run.timesteps[0]]);
      assertClose(latents.data, c.init_latents, 1.2e-7, 1e-7, `${what} init latents`);
    }
  }
});

test('img2img refuses a strength outside [0, 1], naming it', () => {
  const s = build({ _class_name: 'DDIMScheduler' });
  for (const strength of [-0.1, 1.5, NaN]) {
    assert.throws(() => img2imgTimesteps(s, 10, strength), /strength .*0 to 1.*got/);
  }
});

/** The stand-in UNet of ../diffusers/trajectories.json. */
const model = (x: Tensor, t: number): Tensor => ({
  data: Float64Array.from(x.data, (v, i) => 0.5 * v + 0.3 * Math.tanh(v) + 0.1 * Math.sin(0.05 * i + t / 100)),
  shape: x.shape,
});

test(`DDIM inversion runs match diffusers' DDIMInverseScheduler (${ref.inversion.length} runs)`, () => {
  const xT = Float64Array.from({ length: 256 }, (_, i) => Math.sin(0.71 * i + 0.3) + Math.cos(1.37 * i + 0.1));
  for (const c of ref.inversion) {
    const what = `${JSON.stringify(c.config)} N=${c.num_inference_steps}`;
    const s = build({ _class_name: 'DDIMInverseScheduler', ...c.config });
    s.setTimesteps(c.num_inference_steps);
    assert.deepEqual([...s.timesteps], c.timesteps, `${what} timesteps`);
    let x: Tensor = { data: xT.map((v) => 0.5 * v), shape: [1, 4, 8, 8] };
    let first: Arr | undefined;
    for (const t of s.timesteps) {
      x = s.step(model(x, t), t, x).prevSample;
      first ??= x.data;
    }
    // diffusers' step coefficients are float32 scalars (0-d tensors of ᾱ) applied to the float64
    // sample, the core's are float64: they differ by ~1e-8 (measured 4e-9 on the first step).
    assertClose(first!, c.first_step_sample, 1e-6, 1e-7, `${what} first step`);
    assertClose(x.data, c.final_sample, 1e-6, 1e-7, `${what} final`);
  }
});

test('DDIMInverseScheduler timesteps and init_noise_sigma match diffusers for every case', () => {
  const f = JSON.parse(readFileSync(join(REF, 'diffusers/timesteps_DDIMInverseScheduler.json'), 'utf8'));
  assert.ok(f.cases.length >= 16);
  for (const c of f.cases) {
    const spacing = { timestep_spacing: c.timestep_spacing };
    const s = build({ _class_name: 'DDIMInverseScheduler', ...f.variants[c.variant], ...spacing });
    s.setTimesteps(c.num_inference_steps);
    assert.deepEqual([...s.timesteps], c.timesteps, `${c.variant} ${c.timestep_spacing} N=${c.num_inference_steps}`);
    assert.equal(s.initNoiseSigma, c.init_noise_sigma);
  }
});

test('DDIMInverseScheduler refuses linspace spacing, as diffusers does', () => {
  const json = { _class_name: 'DDIMInverseScheduler', timestep_spacing: 'linspace' };
  const { scheduler, findings } = createScheduler(json);
  assert.equal(scheduler, undefined);
  assert.ok(findings.some((f) => f.severity === 'error' && f.path.includes('timestep_spacing')));
});
