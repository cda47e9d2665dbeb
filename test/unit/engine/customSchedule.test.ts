// Explicit inference schedules (diffusers' set_timesteps(timesteps=/sigmas=)) through the real engine.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StepEvent } from '../../../src/protocol/engine';
import { readPngText } from '../../../src/png/pngText';
import { executeRun, prepareRun } from '../../../src/runs/executeRun';
import { request, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());
const euler = { _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'leading' };

test("custom timesteps equal to a spaced schedule give the spaced run's image", async () => {
  const events: StepEvent[] = [];
  const spaced = await engine.generate(request({ scheduler: euler, steps: 5 }), { onStep: (e) => events.push(e) });
  const timesteps = events.map((e) => e.t);
  assert.equal(timesteps.length, 5);
  const req = request({ scheduler: euler, steps: 20, timesteps });
  const custom = await executeRun(engine, prepareRun(req.spec), req.options);
  assert.deepEqual(custom.images[0].rgba, spaced.images[0].rgba);
  assert.equal(custom.info.spec.steps, 5, "steps is the list's count, not the request's");
  assert.deepEqual(custom.info.spec.timesteps, timesteps);
  const record = JSON.parse(readPngText(custom.images[0].png)['diffusion-lab']);
  assert.deepEqual(record.spec.timesteps, timesteps, "the PNG's record keeps the schedule");
});

test('custom sigmas run one step per σ gap and are reported', async () => {
  const sigmas = [14.6, 6, 2.5, 1, 0.3, 0];
  const events: StepEvent[] = [];
  const r = await engine.generate(request({ scheduler: euler, sigmas }), { onStep: (e) => events.push(e) });
  assert.equal(r.info.spec.steps, 5);
  assert.equal(events.length, 5);
  assert.deepEqual(r.info.spec.sigmas, sigmas);
  assert.ok(Math.abs(events[0].sigma - 14.6) < 1e-3, `first σ ${events[0].sigma}`);
});

test('bad custom schedules are refused naming the problem', async () => {
  const refused = (extra: Parameters<typeof request>[0], pattern: RegExp) =>
    assert.rejects(engine.generate(request({ scheduler: euler, ...extra })), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'BAD_REQUEST');
      assert.match(e.message, pattern);
      return true;
    });
  await refused({ timesteps: [500, 700, 100] }, /strictly descending: \[1\] = 700 follows 500/);
  await refused({ timesteps: [1000, 500] }, /timestep 1000 is outside the training range 0 to 999/);
  await refused({ timesteps: [900, NaN] }, /timesteps\[1\] is NaN, not a finite number/);
  await refused({ timesteps: [] }, /timesteps must be a list of 1 to 1001 numbers/);
  await refused({ sigmas: [1e6, 1, 0] }, /sigma 1000000 is outside the training range/);
  await refused({ timesteps: [900, 100], sigmas: [10, 0] }, /not both/);
  // DDIM's set_timesteps has no custom schedule: the core's refusal, under the class's name.
  await refused(
    { scheduler: { _class_name: 'DDIMScheduler' }, timesteps: [900, 500, 100] },
    /DDIMScheduler cannot take custom timesteps: .*takes no custom timesteps/,
  );
});
