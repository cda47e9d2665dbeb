// The refiner fields of a run spec: a folder path, a switch strictly inside (0, 1) that needs a refiner, and
// the fields a refined run does not take yet; every problem names its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunSpec, runSpec, type RunSpec } from '../../../src/protocol/run';

const problems = (fields: Partial<RunSpec>) => checkRunSpec(runSpec({ modelDir: '/m', prompt: 'x', ...fields }));

test('a refiner with or without a switch inside (0, 1) passes', () => {
  assert.deepEqual(problems({ refiner: '/r' }), []);
  assert.deepEqual(problems({ refiner: '/r', refinerSwitchAt: 0.01 }), []);
  assert.deepEqual(problems({ refiner: '/r', refinerSwitchAt: 0.99 }), []);
});

test('each refiner field is refused alone, out of range, or with what it does not combine with', () => {
  const cases: [Partial<RunSpec>, keyof RunSpec, RegExp][] = [
    [{ refiner: '' }, 'refiner', /refiner must be a model folder path/],
    [{ refiner: '/r', refinerSwitchAt: 0 }, 'refinerSwitchAt', /between 0 and 1 \(both excluded\), not 0$/],
    [{ refiner: '/r', refinerSwitchAt: 1 }, 'refinerSwitchAt', /between 0 and 1 \(both excluded\), not 1$/],
    [{ refiner: '/r', refinerSwitchAt: Number.NaN }, 'refinerSwitchAt', /not NaN/],
    [{ refinerSwitchAt: 0.5 }, 'refinerSwitchAt', /a refiner switch needs a refiner/],
    [{ refiner: '/r', initImage: '/a.png' }, 'initImage', /refiner does not combine with an init image/],
    [{ refiner: '/r', timesteps: [999, 500] }, 'timesteps', /refiner does not combine with explicit timesteps/],
    [{ refiner: '/r', sigmas: [14, 1, 0] }, 'sigmas', /refiner does not combine with explicit sigmas/],
    [
      { refiner: '/r', toolSampler: { tool: 'a1111', sampler: 'Euler' } },
      'toolSampler',
      /refiner does not combine with a tool sampler/,
    ],
  ];
  for (const [fields, field, message] of cases) {
    const found = problems(fields).find((p) => p.field === field && message.test(p.message));
    assert.ok(found, `${JSON.stringify(fields)}: ${JSON.stringify(problems(fields))}`);
  }
});
