import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolEquivalents } from '../../../src/runs/toolEquivalents';

const sd = { num_train_timesteps: 1000, steps_offset: 1 };
const run = (scheduler: Record<string, unknown>, steps = 20, more = {}) =>
  toolEquivalents({ scheduler: { ...sd, ...scheduler }, spec: { steps, guidanceRescale: 0, ...more } });

test('diffusers runs: the A1111 and ComfyUI names that run the same σ list', () => {
  const dpm = { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver++', solver_order: 2 };
  assert.deepEqual(run({ ...dpm, use_karras_sigmas: true, timestep_spacing: 'leading' }).a1111, {
    sampler: 'DPM++ 2M',
    scheduleType: 'Karras',
  });
  assert.deepEqual(
    run({ ...dpm, timestep_spacing: 'trailing' }).a1111,
    { sampler: 'DPM++ 2M', scheduleType: 'Simple' },
    'trailing spacing is Simple (ComfyUI simple), not SGM Uniform',
  );
  assert.deepEqual(run({ ...dpm, timestep_spacing: 'trailing' }).comfyui, {
    samplerName: 'dpmpp_2m',
    scheduler: 'simple',
  });
  assert.deepEqual(run({ _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'leading' }).a1111, {
    sampler: 'Euler',
    scheduleType: 'DDIM',
  });
  // 1000/30 is not whole: ddim_uniform makes 31 steps where leading makes 30.
  assert.match(
    run({ _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'leading' }, 30).a1111Why ?? '',
    /leading spacing at 30/,
  );
  assert.deepEqual(run({ _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'linspace' }, 28).a1111, {
    sampler: 'Euler',
    scheduleType: 'Uniform',
  });
  assert.match(
    run({ _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'linspace' }, 20).a1111Why ?? '',
    /linspace/,
  );
  // 1000/16 = 62.5: numpy's round-half-even makes trailing differ from simple.
  assert.equal(run({ ...dpm, timestep_spacing: 'trailing' }, 16).a1111, undefined);
});

test('diffusers runs A1111 cannot repeat come with the reason, never a stand-in name', () => {
  for (const [cls, why] of [
    ['DDIMScheduler', /one model call fewer/],
    ['DDPMScheduler', /no sampler that runs DDPM/],
    ['DEISMultistepScheduler', /no sampler that runs DEIS/],
    ['KDPM2DiscreteScheduler', /next-to-last/],
    ['KDPM2AncestralDiscreteScheduler', /DPM2 a drops the next-to-last/],
    ['DPMSolverSinglestepScheduler', /ancestral noise/],
    ['IPNDMScheduler', /no sampler that runs IPNDM/],
  ] as const) {
    const e = run({ _class_name: cls, timestep_spacing: 'leading' });
    assert.equal(e.a1111, undefined, cls);
    assert.match(e.a1111Why ?? '', why);
  }
  const sde = run({
    _class_name: 'DPMSolverMultistepScheduler',
    algorithm_type: 'sde-dpmsolver++',
    solver_order: 2,
    timestep_spacing: 'leading',
  });
  assert.match(sde.a1111Why ?? '', /sde-dpmsolver\+\+/);
  const karrasLeading = run({
    _class_name: 'EulerDiscreteScheduler',
    use_karras_sigmas: true,
    timestep_spacing: 'leading',
  });
  assert.match(karrasLeading.a1111Why ?? '', /Karras range from its leading timesteps/);
});

test('tool runs keep their names; explicit σ and guidance rescale are stated', () => {
  const toolSampler = {
    tool: 'comfyui' as const,
    sampler: 'dpmpp_2m',
    noise: 'comfyui' as const,
    sigmas: [],
    a1111: { sampler: 'DPM++ 2M', scheduleType: 'Karras' },
    comfyui: { samplerName: 'dpmpp_2m', scheduler: 'karras' },
  };
  const base = { scheduler: {}, toolSampler };
  assert.deepEqual(toolEquivalents({ ...base, spec: { steps: 20, guidanceRescale: 0 } }).comfyui, toolSampler.comfyui);
  const rescaled = toolEquivalents({ ...base, spec: { steps: 20, guidanceRescale: 0.7 } });
  assert.equal(rescaled.comfyui, undefined);
  assert.equal(rescaled.a1111, undefined);
  assert.match(rescaled.a1111Why ?? '', /guidance rescale/);
  const explicit = toolEquivalents({ ...base, spec: { steps: 2, guidanceRescale: 0, sigmas: [14, 1, 0] } });
  assert.equal(explicit.a1111, undefined);
  assert.match(explicit.a1111Why ?? '', /explicit σ list/);
});

test("a reported A1111 pair is written only with a sampler on A1111's list", () => {
  const toolSampler = {
    tool: 'comfyui' as const,
    sampler: 'dpmpp_2m',
    noise: 'comfyui' as const,
    sigmas: [],
    comfyui: { samplerName: 'dpmpp_2m', scheduler: 'karras' },
  };
  const spec = { steps: 20, guidanceRescale: 0 };
  for (const sampler of ['', 'DEIS', 'dpmpp_2m']) {
    const eq = toolEquivalents({
      scheduler: {},
      toolSampler: { ...toolSampler, a1111: { sampler, scheduleType: 'Karras' } },
      spec,
    });
    assert.equal(eq.a1111, undefined, sampler);
    assert.match(eq.a1111Why ?? '', /A1111 has no sampler and schedule type/);
  }
  const ok = toolEquivalents({
    scheduler: {},
    toolSampler: { ...toolSampler, a1111: { sampler: 'DPM++ 2M', scheduleType: 'Karras' } },
    spec,
  });
  assert.deepEqual(ok.a1111, { sampler: 'DPM++ 2M', scheduleType: 'Karras' });
});
