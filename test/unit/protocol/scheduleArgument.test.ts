// The host's check of diffusionLab.openWorkbench's { schedule } argument, which any extension may pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec, specSteps } from '../../../src/protocol/run';
import { parseScheduleArgument, withSchedule, type RunSchedule } from '../../../src/protocol/workbench';

const scheduleSteps = (s: RunSchedule) => (s.timesteps || s.sigmas ? specSteps({ steps: 0, ...s }) : undefined);

const error = (arg: unknown): string => {
  const r = parseScheduleArgument(arg);
  assert.ok('error' in r, 'accepted a malformed argument');
  return r.error;
};

test('a config, timesteps or sigmas schedule is accepted as plain data, label trimmed', () => {
  const config = { _class_name: 'EulerDiscreteScheduler', trained_betas: [0.1, 0.2] };
  const r = parseScheduleArgument({ schedule: { label: ' karras ', scheduler: config } });
  assert.deepEqual(r, { schedule: { label: 'karras', scheduler: config } });
  assert.ok('schedule' in r && r.schedule.scheduler !== config, "a copy, not the caller's object");
  const t = parseScheduleArgument({ schedule: { label: 'five', timesteps: [999, 500, 1] } });
  assert.ok('schedule' in t && scheduleSteps(t.schedule) === 3);
  const s = parseScheduleArgument({ schedule: { label: 'σ', sigmas: [14.6, 1, 0] } });
  assert.ok('schedule' in s && scheduleSteps(s.schedule) === 2);
  assert.ok('schedule' in r && scheduleSteps(r.schedule) === undefined, 'a config leaves the steps to the form');
});

test('malformed arguments are refused naming the problem', () => {
  assert.match(error(undefined), /expected \{ schedule/);
  assert.match(error({ schedule: [1, 2] }), /expected \{ schedule/);
  assert.match(error({ schedule: { scheduler: {} } }), /label must be a name/);
  assert.match(error({ schedule: { label: 'x'.repeat(201), scheduler: {} } }), /label must be a name of 1 to 200/);
  assert.match(error({ schedule: { label: 'a', scheduler: 'DDIM' } }), /scheduler must be a scheduler config object/);
  assert.match(
    error({ schedule: { label: 'a', timesteps: [999, NaN] } }),
    /timesteps must be a list of 1 to 1001 finite numbers/,
  );
  assert.match(error({ schedule: { label: 'a', sigmas: ['1'] } }), /sigmas must be a list/);
  assert.match(error({ schedule: { label: 'a', timesteps: [] } }), /timesteps must be a list/);
  assert.match(error({ schedule: { label: 'a', timesteps: [9], sigmas: [1, 0] } }), /both timesteps and sigmas/);
  assert.match(error({ schedule: { label: 'a' } }), /no scheduler config, timesteps or sigmas/);
  assert.match(
    error({ schedule: { label: 'a', scheduler: { trained_betas: new Array(200_000).fill(0.012345) } } }),
    /more than 1000000/,
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.match(error({ schedule: { label: 'a', scheduler: cyclic } }), /not plain JSON/);
});

test('a step count handed over with a schedule is kept, checked, and refused beside explicit steps', () => {
  const ok = parseScheduleArgument({
    schedule: { label: 'x', scheduler: { _class_name: 'DDIMScheduler' }, steps: 10 },
  });
  assert.ok('schedule' in ok && ok.schedule.steps === 10);
  assert.match(
    JSON.stringify(parseScheduleArgument({ schedule: { label: 'x', scheduler: {}, steps: 0 } })),
    /steps must be a whole number from 1 to 1000/,
  );
  assert.match(
    JSON.stringify(parseScheduleArgument({ schedule: { label: 'x', timesteps: [999, 1], steps: 5 } })),
    /does not go with explicit/,
  );
});

test("a handed-over schedule replaces the form's sampler, a tool sampler included", () => {
  const { modelDir: _dir, ...base } = runSpec({ modelDir: 'm', prompt: 'p', seed: 1, steps: 20 });
  const form = { ...base, toolSampler: { tool: 'a1111' as const, sampler: 'Euler a' } };
  const spec = withSchedule(form, { label: 'dpm', scheduler: { _class_name: 'DPMSolverMultistepScheduler' } });
  assert.equal(spec.toolSampler, undefined);
  assert.deepEqual(spec.scheduler, { _class_name: 'DPMSolverMultistepScheduler' });
  assert.equal(spec.steps, 20);
  const five = withSchedule(
    { ...form, scheduler: { _class_name: 'DDIMScheduler' } },
    { label: 't', timesteps: [9, 5, 1] },
  );
  assert.deepEqual([five.scheduler, five.timesteps], [undefined, [9, 5, 1]]);
});
