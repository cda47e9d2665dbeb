// EDMEuler, EDM DPM-Solver++ and TCD beyond the diffusers runs (edmTcd.parity.test.ts): what they refuse and
// why, the noise they draw, and how a config saved for another formulation is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSchedulerConfig } from '../../../../src/core/config/readSchedulerConfig';
import { sigmaRange } from '../../../../src/core/config/configSchedule';
import type { NoiseSource } from '../../../../src/core/rng/noiseSource';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';
import { createScheduler } from '../../../../src/core/samplers/registry';
import type { Scheduler } from '../../../../src/core/samplers/scheduler';
import type { Tensor } from '../../../../src/core/tensor/tensor';

const SHAPE = [1, 4, 8, 8];
const zeros = (): Tensor => ({ data: new Float64Array(256), shape: SHAPE });

function build(config: Record<string, unknown>): Scheduler {
  const { scheduler, findings } = createScheduler(config);
  assert.ok(scheduler, findings.map((f) => f.message).join('; '));
  return scheduler;
}

function errors(config: Record<string, unknown>) {
  return createScheduler(config).findings.filter((f) => f.severity === 'error');
}

/** Counts the draws a sampler makes. */
class CountingNoise implements NoiseSource {
  draws = 0;
  private readonly inner = new TorchGenerator(0);
  randn(shape: readonly number[], out?: Float32Array): Float32Array {
    this.draws++;
    return this.inner.randn(shape, out);
  }
}

function run(s: Scheduler, n: number, noise?: NoiseSource, eta?: number): void {
  s.setTimesteps(n);
  let x: Tensor = { data: new Float64Array(256).fill(s.initNoiseSigma), shape: SHAPE };
  for (const t of s.timesteps) x = s.step(zeros(), t, s.scaleModelInput(x, t), noise, { eta }).prevSample;
}

test('the EDM classes refuse custom timesteps and sigmas, naming why', () => {
  for (const cls of ['EDMEulerScheduler', 'EDMDPMSolverMultistepScheduler']) {
    const s = build({ _class_name: cls });
    assert.throws(() => s.setTimesteps(3, { sigmas: [80, 1, 0] }), new RegExp(`${cls}.setTimesteps takes no custom`));
    assert.throws(() => s.setTimesteps(2, { timesteps: [1, 0] }), /no custom timesteps/);
  }
});

test('EDM configs that cannot run are error findings at their key', () => {
  const reversed = errors({ _class_name: 'EDMEulerScheduler', sigma_min: 5, sigma_max: 1 });
  assert.deepEqual(
    reversed.map((f) => [f.path[0], f.code]),
    [['sigma_min', 'sigma-range-reversed']],
  );
  const sde3 = errors({
    _class_name: 'EDMDPMSolverMultistepScheduler',
    algorithm_type: 'sde-dpmsolver++',
    solver_order: 3,
  });
  assert.deepEqual(
    sde3.map((f) => f.path[0]),
    ['solver_order'],
  );
  const sample = errors({ _class_name: 'EDMEulerScheduler', prediction_type: 'sample' });
  assert.deepEqual(
    sample.map((f) => f.path[0]),
    ['prediction_type'],
  );
  assert.deepEqual(errors({ _class_name: 'EDMDPMSolverMultistepScheduler', algorithm_type: 'dpmsolver' }).length, 1);
});

test("an EDM class's nominal ᾱ spans exactly its own σ range", () => {
  const config = readSchedulerConfig({ _class_name: 'EDMEulerScheduler', sigma_min: 0.01, sigma_max: 120 }).config;
  const { min, max } = sigmaRange('EDMEulerScheduler', config);
  assert.ok(Math.abs(min - 0.01) < 1e-8 && Math.abs(max - 120) < 1e-4, `${min} .. ${max}`);
});

test('reading a DDPM-trained model config as an EDM class, or the reverse, warns that the image will be wrong', () => {
  const sd = { _class_name: 'PNDMScheduler', beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };
  const asEdm = readSchedulerConfig(sd, 'EDMEulerScheduler').findings;
  assert.ok(asEdm.some((f) => f.code === 'formulation-mismatch' && f.severity === 'warning'));
  const edm = { _class_name: 'EDMDPMSolverMultistepScheduler', sigma_data: 0.5 };
  assert.ok(readSchedulerConfig(edm, 'EulerDiscreteScheduler').findings.some((f) => f.code === 'formulation-mismatch'));
  assert.ok(!readSchedulerConfig(edm, 'EDMEulerScheduler').findings.some((f) => f.code === 'formulation-mismatch'));
  assert.ok(!readSchedulerConfig(sd, 'DDIMScheduler').findings.some((f) => f.code === 'formulation-mismatch'));
});

test('EDMEuler draws noise only for churn, once per churned step', () => {
  const s = build({ _class_name: 'EDMEulerScheduler' });
  const noise = new CountingNoise();
  run(s, 6, noise);
  assert.equal(noise.draws, 0);
  s.setTimesteps(6);
  const t = s.timesteps[0];
  assert.throws(() => s.step(zeros(), t, zeros(), undefined, { sChurn: 1 }), /s_churn > 0 needs a noise source/);
});

test('TCD: γ = 0 is deterministic; γ > 0 draws once per step but the last; γ outside [0, 1] is refused', () => {
  const s = build({ _class_name: 'TCDScheduler' });
  const noise = new CountingNoise();
  run(s, 4, noise, 0);
  assert.equal(noise.draws, 0);
  run(s, 4, noise);
  assert.equal(noise.draws, 3, 'the default γ 0.3 adds noise after every step but the last');
  s.setTimesteps(4);
  const t = s.timesteps[0];
  assert.throws(() => s.step(zeros(), t, zeros()), /needs a noise source/);
  assert.throws(() => s.step(zeros(), t, zeros(), noise, { eta: 1.5 }), /eta \(γ\) 1\.5 is not in \[0, 1\]/);
});

test('TCD takes the timesteps LCM takes for the same config, and the same custom ones', () => {
  const config = { original_inference_steps: 100, num_train_timesteps: 1000 };
  const tcd = build({ _class_name: 'TCDScheduler', ...config });
  const lcm = build({ _class_name: 'LCMScheduler', ...config });
  for (const n of [1, 3, 8, 100]) {
    tcd.setTimesteps(n);
    lcm.setTimesteps(n);
    assert.deepEqual([...tcd.timesteps], [...lcm.timesteps]);
  }
  tcd.setTimesteps(3, { timesteps: [999, 500, 20] });
  assert.deepEqual([...tcd.timesteps], [999, 500, 20]);
  assert.throws(() => tcd.setTimesteps(2, { timesteps: [20, 500] }), /descending/);
});
