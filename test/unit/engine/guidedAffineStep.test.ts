// The fused guidance + DDIM step (guidedAffineStep.ts) against what it replaces: guide() then the
// scheduler's own step(), bit for bit, for each prediction type, a batch of 2 and an odd length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { Scheduler, StepOutput } from '../../../src/core/samplers/scheduler';
import { guide } from '../../../src/engine/guidance';
import { guidedAffineStep } from '../../../src/engine/guidedAffineStep';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };

function ddim(config: Record<string, unknown> = {}): Scheduler {
  const s = createScheduler({ _class_name: 'DDIMScheduler', ...SD, clip_sample: false, ...config }).scheduler!;
  s.setTimesteps(20);
  return s;
}

const wave = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(k * i + 1) * 1.7);
const buffers = (n: number): StepOutput => ({
  prevSample: { data: new Float32Array(n), shape: [n] },
  predOriginalSample: { data: new Float32Array(n), shape: [n] },
});

for (const prediction_type of ['epsilon', 'v_prediction', 'sample']) {
  for (const [batch, per] of [
    [1, 4 * 8 * 8],
    [3, 5],
  ]) {
    test(`guidance and the DDIM step in one pass = guide() then step(): ${prediction_type}, batch ${batch} of ${per}`, () => {
      const s = ddim({ prediction_type });
      const n = batch * per;
      const shape = [batch, per];
      const x = { data: wave(n, 0.37), shape };
      const out = wave(2 * n, 0.11);
      for (const t of [s.timesteps[0], s.timesteps[7], s.timesteps[19]]) {
        const expected = guide(out, 7.5, 0, batch);
        const step = s.step({ data: expected.eps, shape }, t, x, undefined, { out: buffers(n) });
        const fused = buffers(n);
        const got = guidedAffineStep(out, 7.5, x.data, s.affineStep!(t)!, fused);
        assert.deepEqual(fused.prevSample.data, step.prevSample.data);
        assert.deepEqual(fused.predOriginalSample.data, step.predOriginalSample.data);
        assert.equal(got.rms, expected.rms);
        assert.equal(got.finite, true);
      }
    });
  }
}

test('the fused pass reports a UNet output with NaN or Inf as guide() does', () => {
  const s = ddim();
  const out = wave(2 * 9, 0.2);
  for (const bad of [NaN, Infinity]) {
    out[13] = bad;
    const got = guidedAffineStep(out, 5, wave(9, 0.3), s.affineStep!(s.timesteps[3])!, buffers(9));
    assert.equal(got.finite, false);
    assert.equal(guide(out, 5, 0, 1).finite, false);
  }
});

test('DDIM offers its step as coefficients only where the step is affine', () => {
  const t = ddim().timesteps[4];
  assert.ok(ddim().affineStep!(t));
  assert.equal(ddim().affineStep!(t, { eta: 0.5 }), undefined, 'η > 0 adds noise');
  assert.equal(ddim({ clip_sample: true }).affineStep!(t), undefined, 'clipping x̂0 is not affine');
  assert.equal(ddim({ thresholding: true }).affineStep!(t), undefined, 'thresholding x̂0 is not affine');
  assert.throws(() => ddim().affineStep!(t + 1), /timestep/, 'a timestep off the schedule is refused as step() does');
});
