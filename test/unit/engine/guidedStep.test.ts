// The fused guidance + scheduler step (guidedStep.ts), which computes in float32: each step bit for bit a
// float32 emulation of its formula (every operation rounded with Math.fround, which for one +, −, ×, ÷ of
// float32 values is float32's own rounding), and whole runs (each step's x_prev the next one's sample) within
// float32 roundings of what it replaces, guide() then the scheduler's own step() in float64. For DDIM,
// DPM-Solver++ (orders, solver types, lower_order_final, Karras σ, the σ = 0 last step), UniPC (bh1 and bh2,
// orders 1–2, the corrector off at some steps), Euler and Euler ancestral (seeded noise), each prediction
// type, a batch of 2 and an odd length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { ElementwiseStep, Scheduler, StepOptions, StepOutput } from '../../../src/core/samplers/scheduler';
import type { Tensor } from '../../../src/core/tensor/tensor';
import { guide } from '../../../src/engine/guidance';
import { allFinite } from '../../../src/engine/finite';
import { guidedStep } from '../../../src/engine/guidedStep';
import { StepKernels } from '../../../src/engine/kernels/stepKernels';
import { StepBuffers } from '../../../src/engine/stepBuffers';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, clip_sample: false };
const G = 7.5;

function scheduler(config: Record<string, unknown>, steps: number): Scheduler {
  const s = createScheduler({ ...SD, ...config }).scheduler!;
  s.setTimesteps(steps);
  return s;
}

const f = Math.fround;

/** `step` from `x` on the guided halves of `out`, every operation rounded to float32, coefficients first. */
function emulate(out: Float32Array, g: number, x: Float32Array, step: ElementwiseStep) {
  const n = x.length;
  const [x0, prev, into] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const G = f(g);
  for (let i = 0; i < n; i++) {
    const m = f(out[i] + f(G * f(out[n + i] - out[i])));
    const xi = x[i];
    if (step.kind === 'affine') {
      const [p, q, a, d, r, s] = [step.p, step.q, step.a, step.d, step.r, step.s].map(f);
      x0[i] = f(f(p * xi) + f(q * m));
      prev[i] = f(f(a * x0[i]) + f(d * f(f(r * xi) + f(s * m))));
    } else if (step.kind === 'euler') {
      const [p, q, sigma, dt, up] = [step.p, step.q, step.sigma, step.dt, step.up].map(f);
      x0[i] = f(f(p * xi) + f(q * m));
      const e = f(xi + f(f(f(xi - x0[i]) / sigma) * dt));
      prev[i] = step.z ? f(e + f(step.z[i] * up)) : e;
    } else {
      const [p, q, v] = [step.p, step.q, step.v].map(f);
      x0[i] = f(f(f(p * xi) + f(q * m)) / v);
      if (step.kind === 'multistep') {
        const [k0, c1, c2, c3] = [step.k0, step.c1, step.c2, step.c3].map(f);
        const two = f(f(f(k0 * xi) + f(c1 * x0[i])) + f(c2 * step.h1[i]));
        prev[i] = step.h2 ? f(two + f(c3 * step.h2[i])) : two;
      } else {
        const c = step.corrector;
        const [k0, a1, a2, a3] = (c ? [c.k0, c.a1, c.a2, c.a3] : [1, 0, 0, 0]).map(f);
        const [last, h2] = c ? [c.last[i], c.h2[i]] : [xi, step.h1[i]];
        const h1 = step.h1[i];
        into[i] = f(f(f(f(k0 * last) + f(a1 * h1)) + f(a2 * h2)) + f(a3 * x0[i]));
        const [b0, b1, b2] = [step.b0, step.b1, step.b2].map(f);
        prev[i] = f(f(f(b0 * into[i]) + f(b1 * x0[i])) + f(b2 * h1));
      }
    }
  }
  return { x0, prev, into: step.kind === 'unipc' && step.corrector ? into : undefined };
}

const wave = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(k * i + 1) * 1.7);
const buffers = (shape: number[]): StepOutput => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { prevSample: { data: new Float32Array(n), shape }, predOriginalSample: { data: new Float32Array(n), shape } };
};

/** One run's steps, each as guide() then step(), or (where `fuse` says and the scheduler offers it) fused;
 * `inPlace`: into the engine's step buffers, whose arrays the fused steps read and write in place. */
function run(
  config: Record<string, unknown>,
  steps: number,
  shape: number[],
  fuse: (i: number) => boolean,
  options: StepOptions = {},
  inPlace = false,
) {
  const s = scheduler(config, steps);
  const noise = new TorchGenerator(7);
  const n = shape.reduce((a, b) => a * b, 1);
  const engine = inPlace ? new StepBuffers(shape, 2, s) : undefined;
  const kernels = engine?.kernels ?? new StepKernels(n);
  let latents: Tensor = { data: wave(n, 0.37), shape };
  const seen: { x0: Float32Array; prev: Float32Array; rms: number; fused: boolean }[] = [];
  s.timesteps.forEach((t, i) => {
    // UNet halves that change per step, so each step's weights meet new outputs.
    const out = wave(2 * n, 0.11 + 0.013 * i);
    if (engine) engine.unetOut.set(out);
    const into = engine?.out(i) ?? buffers(shape);
    const step = fuse(i) ? s.elementwiseStep?.(t, latents, noise, { ...options, out: into }) : undefined;
    let rms: number;
    if (step) {
      const x = latents.data as Float32Array;
      const want = emulate(out, G, x, step);
      const got = guidedStep(kernels, engine?.unetOut ?? out, G, x, step, into);
      assert.equal(got.finite, true);
      assert.equal(got.sampleFinite, true);
      assert.deepStrictEqual(into.predOriginalSample.data, want.x0, `x̂0 at step ${i}: float32 arithmetic`);
      assert.deepStrictEqual(into.prevSample.data, want.prev, `x_prev at step ${i}: float32 arithmetic`);
      if (step.kind === 'unipc' && step.corrector) assert.deepStrictEqual(step.corrector.into, want.into);
      rms = got.rms;
    } else {
      const estimate = guide(out, G, 0, shape[0]);
      s.step({ data: estimate.eps, shape }, t, latents, noise, { ...options, out: into });
      rms = estimate.rms;
    }
    const [x0, prev] = [into.predOriginalSample.data, into.prevSample.data] as Float32Array[];
    seen.push({ x0: x0.slice(), prev: prev.slice(), rms, fused: step !== undefined });
    latents = { data: prev, shape };
  });
  // The generator's next draw: the same in both runs only when both drew as much.
  return { seen, next: noise.randn([4]) };
}

/** How far float32 arithmetic may take a run from step()'s, relative to the array's largest value (about
 * 1e-6 at most over these runs). */
const TOLERANCE = 1e-5;
/** The rms: float32 squares summed in float32 lanes, against guide()'s float64 sum. */
const RMS_TOLERANCE = 1e-5;

function assertNear(got: Float32Array, want: Float32Array, what: string): void {
  let [scale, diff] = [0, 0];
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  assert.ok(diff <= TOLERANCE * scale, `${what}: off by ${diff} at a largest value ${scale}`);
}

/** The fused run (every step fused, without step options) against the unfused one, the same in the engine's
 * buffers, and a run fused every other step in them. */
function assertSame(config: Record<string, unknown>, steps: number, shape: number[], options?: StepOptions): void {
  const unfused = run(config, steps, shape, () => false, options);
  const fused = run(config, steps, shape, () => true, options);
  const inPlace = run(config, steps, shape, () => true, options, true);
  const mixed = run(config, steps, shape, (i) => i % 2 === 1, options, true);
  if (!options)
    assert.ok(
      [fused, inPlace].every((r) => r.seen.every((s) => s.fused)),
      'every step fused',
    );
  assert.deepStrictEqual(inPlace.seen, fused.seen, "in the engine's buffers as in arrays of their own");
  for (const other of [fused, mixed]) {
    other.seen.forEach((s, i) => {
      const want = unfused.seen[i];
      assertNear(s.prev, want.prev, `x_prev at step ${i}`);
      assertNear(s.x0, want.x0, `x̂0 at step ${i}`);
      assert.ok(Math.abs(s.rms - want.rms) <= RMS_TOLERANCE * want.rms, `rms at step ${i}: ${s.rms} vs ${want.rms}`);
    });
    assert.deepStrictEqual(other.next, unfused.next, 'the generator drew as much');
  }
}

// Small and odd lengths (the UNet's halves then not end to end in the kernels' memory), then SD's latent size.
const SHAPES = [
  [2, 4, 6, 6],
  [1, 3, 5],
  [1, 4, 64, 64],
];
const DPM = { _class_name: 'DPMSolverMultistepScheduler' };

for (const shape of SHAPES) {
  const at = `[${shape.join(',')}]`;
  for (const prediction_type of ['epsilon', 'v_prediction']) {
    test(`DPM-Solver++ fused = guide() then step(): ${prediction_type}, orders 1–3, 20 and 10 steps, ${at}`, () => {
      for (const solver_order of [1, 2, 3]) {
        for (const steps of [20, 10]) assertSame({ ...DPM, prediction_type, solver_order }, steps, shape);
      }
    });
  }
  test(`DPM-Solver++ fused = guide() then step(): heun, Karras σ, σ_min end, no lower_order_final, Euler at the end, ${at}`, () => {
    for (const config of [
      { solver_type: 'heun', solver_order: 3 },
      { use_karras_sigmas: true },
      { use_karras_sigmas: true, prediction_type: 'v_prediction', solver_order: 3 },
      { final_sigmas_type: 'sigma_min' },
      { lower_order_final: false, solver_order: 3 },
      { lower_order_final: false, final_sigmas_type: 'sigma_min', euler_at_final: true },
      { timestep_spacing: 'trailing', solver_order: 3 },
    ]) {
      for (const steps of [12, 20]) assertSame({ ...DPM, ...config }, steps, shape);
    }
  });
  for (const _class_name of ['EulerAncestralDiscreteScheduler', 'EulerDiscreteScheduler']) {
    test(`${_class_name} fused = guide() then step(), noise drawn alike: predictions, Karras σ, ${at}`, () => {
      for (const config of [
        {},
        { prediction_type: 'v_prediction' },
        { use_karras_sigmas: true },
        { timestep_spacing: 'trailing', prediction_type: 'v_prediction' },
      ]) {
        assertSame({ _class_name, ...config }, 15, shape);
      }
    });
  }
  test(`UniPC fused = guide() then step(): bh1 and bh2, orders 1–2, corrector off at some steps, ${at}`, () => {
    const UNIPC = { _class_name: 'UniPCMultistepScheduler' };
    for (const config of [
      {},
      { solver_type: 'bh1' },
      { solver_order: 1 },
      { prediction_type: 'v_prediction' },
      { use_karras_sigmas: true },
      { disable_corrector: [0, 3, 4] },
      { lower_order_final: false, final_sigmas_type: 'sigma_min' },
      { timestep_spacing: 'trailing', prediction_type: 'v_prediction', solver_type: 'bh1' },
    ]) {
      for (const steps of [20, 7]) assertSame({ ...UNIPC, ...config }, steps, shape);
    }
    // Order 3 is left to step(): its third-order steps are not offered, the others still match.
    assertSame({ ...UNIPC, solver_order: 3 }, 12, shape, {});
  });
  test(`DDIM fused = guide() then step(): each prediction type, ${at}`, () => {
    for (const prediction_type of ['epsilon', 'v_prediction', 'sample'])
      assertSame({ _class_name: 'DDIMScheduler', prediction_type }, 20, shape);
  });
}

test('Euler with churn: the steps that add churn noise are not fused, and the others still match', () => {
  const options = { sChurn: 1, sTmin: 1, sTmax: 5 };
  assertSame({ _class_name: 'EulerDiscreteScheduler' }, 15, [1, 4, 4, 4], options);
  const { seen } = run({ _class_name: 'EulerDiscreteScheduler' }, 15, [1, 4, 4, 4], () => true, options);
  assert.ok(seen.some((s) => s.fused) && seen.some((s) => !s.fused), 'some steps fused, some not');
});

test('the schedulers offer an elementwise step only where step() is one', () => {
  const x = { data: wave(16, 0.3), shape: [1, 16] };
  const offered = (config: Record<string, unknown>, options?: StepOptions, sample: Tensor = x) => {
    const s = scheduler(config, 10);
    return s.elementwiseStep?.(s.timesteps[0], sample, new TorchGenerator(1), options) !== undefined;
  };
  assert.ok(offered({ _class_name: 'DDIMScheduler' }));
  assert.ok(!offered({ _class_name: 'DDIMScheduler' }, { eta: 0.5 }), 'η > 0 adds noise');
  assert.ok(!offered({ _class_name: 'DDIMScheduler', clip_sample: true }), 'clipping x̂0 is not elementwise');
  assert.ok(!offered({ _class_name: 'DDIMScheduler', thresholding: true }), 'nor is thresholding');
  assert.ok(offered(DPM));
  assert.ok(!offered({ ...DPM, thresholding: true }), 'thresholding x̂0');
  assert.ok(!offered({ ...DPM, prediction_type: 'sample' }), 'x̂0 is the output itself');
  for (const algorithm_type of ['dpmsolver', 'sde-dpmsolver++'])
    assert.ok(!offered({ ...DPM, algorithm_type, final_sigmas_type: 'sigma_min' }), algorithm_type);
  assert.ok(!offered({ _class_name: 'EDMDPMSolverMultistepScheduler' }), "EDM's own x̂0");
  assert.ok(!offered(DPM, {}, { data: Float64Array.from(x.data), shape: x.shape }), 'float64 samples');
  const UNIPC = { _class_name: 'UniPCMultistepScheduler' };
  assert.ok(offered(UNIPC));
  assert.ok(!offered({ ...UNIPC, predict_x0: false, final_sigmas_type: 'sigma_min' }), 'UniPC on ε̂');
  assert.ok(!offered({ ...UNIPC, thresholding: true }), 'UniPC thresholding x̂0');
  const ddim = scheduler({ _class_name: 'DDIMScheduler' }, 10);
  assert.throws(() => ddim.elementwiseStep!(ddim.timesteps[4] + 1, x), /timestep/, 'a timestep off the schedule');
});

/** One class of each fused kind: affine, multistep, UniPC, Euler. */
const FUSED_CLASSES = [
  'DDIMScheduler',
  'DPMSolverMultistepScheduler',
  'UniPCMultistepScheduler',
  'EulerAncestralDiscreteScheduler',
];

test('the fused pass reports a UNet output with NaN or Inf as guide() does', () => {
  for (const _class_name of FUSED_CLASSES) {
    for (const bad of [NaN, Infinity]) {
      const s = scheduler({ _class_name }, 10);
      const x = { data: wave(9, 0.3), shape: [1, 9] };
      const out = wave(2 * 9, 0.2);
      out[13] = bad;
      const step = s.elementwiseStep!(s.timesteps[0], x, new TorchGenerator(1))!;
      assert.equal(
        guidedStep(new StepKernels(9), out, 5, x.data, step, buffers([1, 9])).finite,
        false,
        `${_class_name} ${bad}`,
      );
      assert.equal(guide(out, 5, 0, 1).finite, false);
    }
  }
});

test('the fused pass reports a sample that overflows float32 as allFinite() would, the UNet output finite', () => {
  for (const _class_name of FUSED_CLASSES) {
    // The last value (in each loop's tail) and a value in the loop's body.
    for (const at of [8, 3]) {
      const s = scheduler({ _class_name }, 10);
      const x = { data: wave(9, 0.3), shape: [1, 9] };
      const out = wave(2 * 9, 0.2);
      // Near float32's largest: x̂0 = (x − σ·ε)/α leaves float32's range.
      x.data[at] = 3.4e38;
      [out[at], out[9 + at]] = [-1e37, -1e37];
      const into = buffers([1, 9]);
      const step = s.elementwiseStep!(s.timesteps[0], x, new TorchGenerator(1))!;
      const got = guidedStep(new StepKernels(9), out, 5, x.data, step, into);
      assert.equal(got.finite, true, `${_class_name}: the UNet output is finite`);
      assert.equal(allFinite(into.prevSample.data as Float32Array), false, `${_class_name}: the sample overflows`);
      assert.equal(got.sampleFinite, false, `${_class_name} at ${at}`);
    }
  }
});
