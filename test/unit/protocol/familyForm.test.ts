import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAMILY_DEFAULTS } from '../../../src/core/model/familyDefaults';
import { familyHint, modelChanges } from '../../../src/protocol/familyForm';
import type { ModelOption, ParamsForm } from '../../../src/protocol/workbench';

const base = { sizeMultiple: 8, nativeSize: 512, previews: ['latent' as const] };
const sd: ModelOption = { ...base, id: 'sd', label: 'sd15', family: 'sd1', guidanceScale: 7.5, steps: 50 };
const xl: ModelOption = { ...base, id: 'xl', label: 'sdxl', family: 'sdxl', guidanceScale: 5, steps: 50 };
const turbo: ModelOption = {
  ...base,
  id: 't',
  label: 'sd-turbo',
  family: 'sd-turbo',
  guidanceScale: FAMILY_DEFAULTS['sd-turbo'].guidance,
  steps: FAMILY_DEFAULTS['sd-turbo'].steps,
  schedulerLabel: 'EulerDiscreteScheduler, trailing timesteps',
};
const lcm: ModelOption = { ...base, id: 'l', label: 'lcm', family: 'lcm', guidanceScale: 8.5, steps: 4 };
const form = { steps: '20', guidanceScale: '7.5', sampler: 'a1111:Euler a:', spacing: 'leading' } as ParamsForm;

test('a distilled model puts in its own steps, guidance and scheduler, whatever the form held', () => {
  assert.deepEqual(modelChanges(form, sd, turbo), { steps: '1', guidanceScale: '0', sampler: '', spacing: 'default' });
  assert.deepEqual(modelChanges(form, sd, lcm), { steps: '4', guidanceScale: '8.5', sampler: '', spacing: 'default' });
});

test("another model brings its guidance and steps only where the form holds the previous model's", () => {
  assert.deepEqual(modelChanges(form, sd, xl), { guidanceScale: '5' }, 'steps 20 were typed: kept');
  assert.deepEqual(modelChanges({ ...form, guidanceScale: '6' }, sd, xl), {}, 'a typed guidance is kept');
  // Leaving a distilled model: its few steps and guidance off were not the user's.
  assert.deepEqual(modelChanges({ ...form, steps: '1', guidanceScale: '0' }, turbo, sd), {
    guidanceScale: '7.5',
    steps: '50',
  });
});

test('the hint names the family, and for a distilled model what it was given', () => {
  assert.equal(familyHint(xl), 'SDXL model.');
  assert.equal(
    familyHint(turbo),
    'SD-Turbo, distilled: set to its 1 step, guidance off and its own scheduler ' +
      '(EulerDiscreteScheduler, trailing timesteps), as the model card says.',
  );
  assert.match(familyHint(lcm), /^LCM, distilled: set to its 4 steps, guidance 8\.5 \(an LCM takes it as an embedding/);
  assert.equal(familyHint(undefined), '');
});
