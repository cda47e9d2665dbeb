// createScheduler takes any JSON value: problems come back as findings, never as exceptions, and a
// sampler it does build either runs or refuses with an error naming itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler, schedulerClassNames } from '../../../src/core/samplers/registry';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { Tensor } from '../../../src/core/tensor/tensor';

const HOSTILE: unknown[] = [null, true, -1, 0, 0.5, 3, 1e308, -1e-300, 'x', 'linspace', '', [], [0.5, 2], {}, { a: 1 }];

test('values that are not a config object come back as findings', () => {
  for (const json of [
    null,
    0,
    'DDIMScheduler',
    [],
    [{ _class_name: 'DDIMScheduler' }],
    true,
    {},
    { _class_name: 42 },
    { _class_name: 'NopeScheduler' },
  ]) {
    const { scheduler, findings } = createScheduler(json);
    assert.equal(scheduler, undefined, JSON.stringify(json));
    assert.ok(
      findings.some((f) => f.severity === 'error'),
      JSON.stringify(json),
    );
  }
});

test('an _class_name override reads a config as another class, as OtherScheduler.from_config does', () => {
  const { scheduler } = createScheduler(
    { _class_name: 'PNDMScheduler', skip_prk_steps: true, steps_offset: 1 },
    { _class_name: 'EulerDiscreteScheduler' },
  );
  assert.equal(scheduler?.className, 'EulerDiscreteScheduler');
  assert.equal(scheduler?.config.steps_offset, 1);
});

for (const name of schedulerClassNames) {
  test(`${name}: every config key given hostile values never crashes createScheduler`, () => {
    const keys = Object.keys(createScheduler({ _class_name: name }).scheduler!.config);
    const shape = [1, 4, 2, 2];
    for (const key of keys) {
      for (const value of HOSTILE) {
        const what = `${name} ${key}=${JSON.stringify(value)}`;
        const { scheduler, findings } = createScheduler({ _class_name: name, [key]: value });
        if (!scheduler) {
          assert.ok(
            findings.some((f) => f.severity === 'error'),
            `${what}: no scheduler and no error finding`,
          );
          continue;
        }
        try {
          scheduler.setTimesteps(4);
          let x: Tensor = { data: new Float32Array(16).fill(0.5), shape };
          const g = new TorchGenerator(0);
          for (const t of scheduler.timesteps)
            x = scheduler.step({ data: new Float32Array(16).fill(0.1), shape }, t, x, g).prevSample;
        } catch (e) {
          assert.ok(e instanceof Error && e.message.includes(name), `${what}: threw ${String(e)}`);
        }
      }
    }
  });
}

test('leading spacing that would visit t = T is refused by setTimesteps, naming the timestep', () => {
  for (const className of ['DDIMScheduler', 'DDPMScheduler', 'PNDMScheduler']) {
    const { scheduler } = createScheduler({ _class_name: className, steps_offset: 1, timestep_spacing: 'leading' });
    assert.ok(scheduler, className);
    assert.throws(
      () => scheduler.setTimesteps(1000),
      /visit timestep 1000, outside the training range 0\.\.999/,
      className,
    );
    scheduler.setTimesteps(500);
    assert.ok(
      scheduler.timesteps.every((t) => t >= 0 && t < 1000),
      className,
    );
  }
});
