import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplerChoice } from '../../../src/protocol/samplerChoice';

test('each spelling keeps its tool: diffusers class, A1111 name, ComfyUI sampler_name', () => {
  assert.deepEqual(
    samplerChoice('DPMSolverMultistepScheduler'),
    { kind: 'diffusers', scheduler: { _class_name: 'DPMSolverMultistepScheduler' } },
    'the class as configured by default (dpmsolver++), not the SDE variant',
  );
  assert.deepEqual(samplerChoice('DPMSolverMultistepScheduler', { scheduleType: 'Karras' }), {
    kind: 'diffusers',
    scheduler: { _class_name: 'DPMSolverMultistepScheduler', use_karras_sigmas: true },
  });
  assert.deepEqual(samplerChoice('DPM++ 2M Karras'), {
    kind: 'tool',
    toolSampler: { tool: 'a1111', sampler: 'DPM++ 2M Karras' },
  });
  assert.deepEqual(samplerChoice('DPM++ 2M', { scheduleType: 'Exponential' }), {
    kind: 'tool',
    toolSampler: { tool: 'a1111', sampler: 'DPM++ 2M', schedule: 'Exponential' },
  });
  assert.deepEqual(samplerChoice('dpmpp_2m', { scheduler: 'karras' }), {
    kind: 'tool',
    toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m', schedule: 'karras' },
  });
  assert.deepEqual(
    samplerChoice('ddim'),
    { kind: 'tool', toolSampler: { tool: 'comfyui', sampler: 'ddim', schedule: 'normal' } },
    "lower-case ddim is ComfyUI's sampler_name (Euler), DDIM is A1111's",
  );
  assert.deepEqual(samplerChoice('DDIM'), { kind: 'tool', toolSampler: { tool: 'a1111', sampler: 'DDIM' } });
});

test('the diffusers classes without an A1111 twin run as themselves', () => {
  for (const name of ['KDPM2AncestralDiscreteScheduler', 'DPMSolverSinglestepScheduler', 'IPNDMScheduler'])
    assert.deepEqual(samplerChoice(name), { kind: 'diffusers', scheduler: { _class_name: name } });
  assert.deepEqual(samplerChoice('KDPM2AncestralDiscreteScheduler', { scheduleType: 'Karras' }), {
    kind: 'diffusers',
    scheduler: { _class_name: 'KDPM2AncestralDiscreteScheduler', use_karras_sigmas: true },
  });
  assert.match(
    (samplerChoice('IPNDMScheduler', { scheduleType: 'Karras' }) as { problem: string }).problem,
    /takes schedule type \(none\)/,
  );
});

test("the EDM classes and TCD are diffusers classes; an EDM class's schedule type sets its sigma_schedule", () => {
  assert.deepEqual(samplerChoice('TCDScheduler'), { kind: 'diffusers', scheduler: { _class_name: 'TCDScheduler' } });
  assert.deepEqual(samplerChoice('EDMEulerScheduler', { scheduleType: 'Exponential' }), {
    kind: 'diffusers',
    scheduler: { _class_name: 'EDMEulerScheduler', sigma_schedule: 'exponential' },
  });
  const beta = samplerChoice('EDMDPMSolverMultistepScheduler', { scheduleType: 'Beta' });
  assert.deepEqual(beta, {
    problem: 'EDMDPMSolverMultistepScheduler takes schedule type Karras, Exponential, not "Beta"',
  });
});

test('names and flags that do not go together are refused with the reason', () => {
  const problem = (name: string, opts = {}) => {
    const c = samplerChoice(name, opts);
    return 'problem' in c ? c.problem : '';
  };
  assert.match(
    problem('DDIMScheduler', { scheduleType: 'Karras' }),
    /DDIMScheduler takes schedule type \(none\), not "Karras"/,
  );
  assert.match(problem('EulerDiscreteScheduler', { scheduler: 'karras' }), /diffusers class: give --schedule-type/);
  assert.match(problem('dpmpp_2m', { scheduleType: 'Karras' }), /ComfyUI sampler_name: give --scheduler/);
  assert.match(problem('DPM++ 2M', { scheduler: 'karras' }), /--scheduler goes with a ComfyUI sampler_name/);
  assert.match(problem('dpmpp_2m', { scheduler: 'Karras' }), /ComfyUI has no scheduler "Karras"/);
  assert.match(problem('DEIS'), /A1111 has no sampler "DEIS" \(give a diffusers class/);
  assert.match(problem('DPM++ 2M', { scheduleType: 'Fancy' }), /A1111 has no schedule type "Fancy"/);
});

test("a schedule type that A1111's timestep samplers would ignore is refused; Automatic is theirs", () => {
  const refusal = (sampler: string, type: string) =>
    `A1111's ${sampler} steps through its own timesteps: it takes no schedule type (A1111 ignores "${type}")`;
  assert.deepEqual(samplerChoice('DDIM Karras'), { problem: refusal('DDIM', 'Karras') });
  assert.deepEqual(samplerChoice('DDIM', { scheduleType: 'Karras' }), { problem: refusal('DDIM', 'Karras') });
  assert.deepEqual(samplerChoice('PLMS Exponential'), { problem: refusal('PLMS', 'Exponential') });
  assert.deepEqual(samplerChoice('UniPC', { scheduleType: 'Beta' }), { problem: refusal('UniPC', 'Beta') });
  const automatic = samplerChoice('DDIM', { scheduleType: 'Automatic' });
  assert.deepEqual(automatic, { kind: 'tool', toolSampler: { tool: 'a1111', sampler: 'DDIM', schedule: 'Automatic' } });
  const karras = samplerChoice('Euler', { scheduleType: 'Karras' });
  assert.deepEqual(karras, { kind: 'tool', toolSampler: { tool: 'a1111', sampler: 'Euler', schedule: 'Karras' } });
});
