// A run spec's scheduler config: its shape is checked before anything reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunSpec, runSpec } from '../../../src/protocol/run';

const base = runSpec({ modelDir: '/m', prompt: 'a', seed: 1 });

test('a scheduler config nested deeper than a config needs is refused alone, before any check reads it', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const problems = checkRunSpec({ ...base, scheduler: { _class_name: 'EulerDiscreteScheduler', x: deep } });
  assert.deepEqual(problems, [
    { field: 'scheduler', message: 'scheduler config is nested more than 8 levels deep (a config needs 2)' },
  ]);
  const betas = { _class_name: 'DDIMScheduler', trained_betas: [0.1, 0.2] };
  assert.deepEqual(checkRunSpec({ ...base, scheduler: betas }), []);
});

test("a scheduler config's _class_name is a name: a number would leave the model's class to run unasked", () => {
  assert.deepEqual(checkRunSpec({ ...base, scheduler: { _class_name: 42 } }), [
    { field: 'scheduler', message: "_class_name must be a scheduler class's name, not 42" },
  ]);
  assert.deepEqual(checkRunSpec({ ...base, scheduler: { beta_end: 0.02 } }), [], 'keys over the model class');
});
