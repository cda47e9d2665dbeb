// diffusers' split of one schedule between the SDXL base (denoising_end) and the refiner (denoising_start):
// the timesteps of each stage against what diffusers' own pipelines called their UNets with
// (test/fixtures/reference/refiner/refiner.json), including Heun's extra model call, and Python's rounding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseTimesteps, refinerTimesteps, timestepCutoff } from '../../../../src/core/forward/denoisingSplit';
import { createScheduler } from '../../../../src/core/samplers/registry';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference', 'refiner', 'refiner.json'), 'utf8'));
const config = (folder: string) =>
  JSON.parse(readFileSync(join(FIXTURES, 'models', folder, 'scheduler', 'scheduler_config.json'), 'utf8'));

function scheduler(folder: string, className: string, steps: number) {
  const { scheduler: s } = createScheduler(config(folder), { _class_name: className });
  s!.setTimesteps(steps);
  return s!;
}

for (const c of reference.cases) {
  test(`${c.scheduler}, ${c.steps} steps, switch ${c.switch}: each stage's timesteps as diffusers ran them`, () => {
    const base = baseTimesteps(scheduler('tiny-sdxl', c.scheduler, c.steps), c.switch);
    const refiner = refinerTimesteps(scheduler('tiny-sdxl-refiner', c.scheduler, c.steps), c.switch);
    assert.deepEqual([...base], c.base_timesteps);
    assert.deepEqual([...refiner], c.refiner_timesteps);
  });
}

test('the cutoff rounds halves to even, as Python round() does', () => {
  const s = scheduler('tiny-sdxl', 'EulerDiscreteScheduler', 10);
  const odd = { ...s, config: { ...s.config, num_train_timesteps: 1001 } };
  assert.equal(timestepCutoff(odd, 0.5), 500); // round(500.5) in Python; Math.round gives 501
  assert.equal(timestepCutoff(s, 0.8), 200);
});
