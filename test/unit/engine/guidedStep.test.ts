// The fused guidance + scheduler step (guidedStep.ts) against what it replaces: guide() then the scheduler's
// own step(), bit for bit, over whole runs (each step's x_prev is the next one's sample), for DDIM, DPM-Solver++
// (orders, solver types, lower_order_final, Karras σ, the σ = 0 last step), UniPC (bh1 and bh2, orders 1–2,
// the corrector off at some steps), Euler and Euler ancestral (seeded noise), each prediction type, a batch of 2
// and an odd length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { Scheduler, StepOptions, StepOutput } from '../../../src/core/samplers/scheduler';
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
  const engine = inPlace ? new StepBuffers(shape, 2) : undefined;
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
      const got = guidedStep(kernels, engine?.unetOut ?? out, G, latents.data as Float32Array, step, into);
      assert.equal(got.finite, true);
      assert.equal(got.sampleFinite, true);
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
  for (const other of [fused, inPlace, mixed]) {
    other.seen.forEach((s, i) => {
      const want = unfused.seen[i];
      assert.deepStrictEqual(s.prev, want.prev, `x_prev at step ${i}`);
      assert.deepStrictEqual(s.x0, want.x0, `x̂0 at step ${i}`);
      assert.equal(s.rms, want.rms, `rms at step ${i}`);
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
