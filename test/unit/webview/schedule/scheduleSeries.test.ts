import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { trainingBetas } from '../../../../src/core/schedules/trainingBetas';
import { computeSchedule } from '../../../../webview/schedule/scheduleSeries';
import { ticks } from '../../../../webview/shared/plotExport';

const sdxl = JSON.parse(readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8'));

test('training curves of SDXL: β recovered from ᾱ, σ and log-SNR at both ends (FACTS.md)', () => {
  const c = computeSchedule({ name: 'sdxl', config: sdxl }, { steps: 10 });
  const betas = trainingBetas({
    numTrainTimesteps: 1000,
    betaStart: 0.00085,
    betaEnd: 0.012,
    betaSchedule: 'scaled_linear',
    trainedBetas: null,
  });
  for (const i of [0, 1, 500, 999]) assert.ok(Math.abs(c.training.beta[i] - betas[i]) < 1e-6, `β_${i}`);
  assert.ok(Math.abs(c.training.sigma[0]! - 0.029167) < 1e-5);
  assert.ok(Math.abs(c.training.sigma[999]! - 14.614641) < 1e-4);
  assert.ok(Math.abs(c.training.logSnr[999]! - -5.364) < 1e-3);
  assert.ok(Math.abs(c.terminalSnr - 0.004682) < 1e-6);
});

test('steps: leading spacing with steps_offset 1 visits 901…1; σ ends at 0; gaps are positive', () => {
  const c = computeSchedule({ name: 'sdxl', config: sdxl }, { steps: 10 });
  assert.deepEqual(Array.from(c.steps.timesteps), [901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  assert.equal(c.steps.sigmas.length, 11);
  assert.equal(c.steps.sigmas[10], null, 'σ = 0 is a gap on the log axis');
  assert.equal(c.steps.gap.length, 10);
  assert.ok(
    c.steps.gap.slice(0, 9).every((g) => g !== null && g > 0),
    'log-SNR grows at every step',
  );
  assert.equal(c.steps.gap[9], null, 'no finite gap into σ = 0');
});

test('sampler override, explicit timesteps, zero-SNR; problems throw with the reason', () => {
  const ddim = computeSchedule({ name: 'x', config: sdxl }, { steps: 4, className: 'DDIMScheduler' });
  assert.equal(ddim.className, 'DDIMScheduler');
  assert.equal(ddim.steps.timesteps.length, 4);
  const explicit = computeSchedule({ name: 'x', config: sdxl, timesteps: [999, 500, 100] }, { steps: 50 });
  assert.deepEqual(Array.from(explicit.steps.timesteps), [999, 500, 100]);
  const zero = computeSchedule(
    { name: 'x', config: { ...sdxl, rescale_betas_zero_snr: true, timestep_spacing: 'trailing' } },
    { steps: 10 },
  );
  // Euler's 2⁻²⁴ floor on ᾱ_T: σ_max ≈ 4096.
  assert.ok(Math.abs(zero.sigmaMax - 4096) < 1);
  assert.throws(() => computeSchedule({ name: 'x', config: { ...sdxl, _class_name: 'Nope' } }, { steps: 10 }), /Nope/);
  assert.throws(() => computeSchedule({ name: 'x', config: sdxl }, { steps: 2000 }), /num_train_timesteps/);
  assert.throws(
    () => computeSchedule({ name: 'x', config: sdxl }, { steps: 10, className: 'IPNDMScheduler' }),
    /IPNDMScheduler has no training schedule to plot/,
  );
});

test('export ticks: round steps on a linear axis, powers of ten on a log axis', () => {
  assert.deepEqual(ticks(0, 999, false), [0, 200, 400, 600, 800]);
  assert.deepEqual(ticks(0.029, 14.6, true), [0.1, 1, 10]);
  assert.deepEqual(ticks(5, 5, false), [5]);
});
