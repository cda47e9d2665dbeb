// A config run as another class drops its own class's keys as diffusers' from_config does, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asSchedulerClass } from '../../../../src/core/config/asSchedulerClass';
import { readSchedulerConfig } from '../../../../src/core/config/readSchedulerConfig';

const DDIM = {
  _class_name: 'DDIMScheduler',
  _diffusers_version: '0.27.0',
  beta_schedule: 'scaled_linear',
  clip_sample: false,
  set_alpha_to_one: false,
  beta_shedule: 'linear',
};

test("a DDIM config as DPM++: DDIM's own keys go, the shared ones, metadata and a misspelling stay", () => {
  assert.deepEqual(asSchedulerClass(DDIM, 'DPMSolverMultistepScheduler'), {
    _class_name: 'DPMSolverMultistepScheduler',
    _diffusers_version: '0.27.0',
    beta_schedule: 'scaled_linear',
    beta_shedule: 'linear',
  });
  // As overrides on a model's config, only the misspelling still warns.
  const model = { _class_name: 'DDIMScheduler', beta_schedule: 'scaled_linear' };
  const { _class_name: className, ...overrides } = asSchedulerClass(DDIM, 'DPMSolverMultistepScheduler');
  const warned = readSchedulerConfig(model, className as string, overrides).findings.filter(
    (f) => f.severity === 'warning',
  );
  assert.deepEqual(
    warned.map((f) => f.path),
    [['beta_shedule']],
  );
});

test('the same class, a config without a class or an unknown class: every key stays', () => {
  assert.deepEqual(asSchedulerClass(DDIM, 'DDIMScheduler'), DDIM);
  const { _class_name: _, ...classless } = DDIM;
  assert.deepEqual(asSchedulerClass(classless, 'EulerDiscreteScheduler'), {
    ...classless,
    _class_name: 'EulerDiscreteScheduler',
  });
  assert.deepEqual(asSchedulerClass({ ...DDIM, _class_name: 'NoSuchScheduler' }, 'EulerDiscreteScheduler'), {
    ...DDIM,
    _class_name: 'EulerDiscreteScheduler',
  });
});
