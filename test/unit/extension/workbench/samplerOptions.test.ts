import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A1111_SAMPLERS } from '../../../../src/core/kdiffusion/a1111Samplers';
import { COMFY_SAMPLERS } from '../../../../src/core/kdiffusion/comfySamplers';
import { isToolFinding, resolveToolSampler } from '../../../../src/core/kdiffusion/toolSamplers';
import { schedulerClassNames } from '../../../../src/core/index';
import { samplerOptions } from '../../../../src/extension/workbench/samplerOptions';

const options = samplerOptions();

test('one list: the model own scheduler, then every A1111, ComfyUI and diffusers name, ids unique', () => {
  assert.equal(new Set(options.map((o) => o.id)).size, options.length);
  assert.deepEqual(
    [...new Set(options.map((o) => o.group))],
    ['model', 'a1111', 'comfyui', 'diffusers'],
    'grouped, in this order',
  );
  const labels = (group: string) =>
    new Set(options.filter((o) => o.group === group).map((o) => o.toolSampler?.sampler));
  for (const e of A1111_SAMPLERS) assert.ok(labels('a1111').has(e.label), `A1111 ${e.label} is listed`);
  for (const e of COMFY_SAMPLERS) assert.ok(labels('comfyui').has(e.name), `ComfyUI ${e.name} is listed`);
  for (const c of schedulerClassNames)
    assert.ok(
      options.some((o) => o.id === c),
      `${c} is listed`,
    );
});

test("A1111 entries are spelled as A1111's legacy names and run as A1111 resolves them", () => {
  const karras = options.find((o) => o.label === 'DPM++ 2M Karras');
  assert.deepEqual(karras?.toolSampler, { tool: 'a1111', sampler: 'DPM++ 2M', schedule: 'Karras' });
  assert.deepEqual(options.find((o) => o.label === 'dpmpp_2m · karras')?.toolSampler, {
    tool: 'comfyui',
    sampler: 'dpmpp_2m',
    schedule: 'karras',
  });
  // DDIM walks its own timesteps in A1111: one entry, not one per schedule type.
  assert.equal(options.filter((o) => o.group === 'a1111' && o.toolSampler?.sampler === 'DDIM').length, 1);
  for (const o of options.filter((x) => x.toolSampler && !x.unavailable)) {
    const t = o.toolSampler!;
    assert.ok(!isToolFinding(resolveToolSampler(t.tool, t.sampler, t.schedule)), `${o.label} resolves`);
  }
});

test('a name the registry lists but this project does not run is there, disabled, with the reason', () => {
  for (const e of [...A1111_SAMPLERS.filter((s) => !s.sampler)]) {
    const o = options.find((x) => x.group === 'a1111' && x.label === e.label);
    assert.equal(o?.unavailable, e.why);
  }
  const cfgpp = options.find((o) => o.label === 'euler_cfg_pp');
  assert.match(cfgpp?.unavailable ?? '', /unconditional/);
});

test('diffusers entries carry their class and σ option as scheduler keys, spacing where it acts', () => {
  const o = options.find((x) => x.id === 'DPMSolverMultistepScheduler · karras σ');
  assert.deepEqual(o?.scheduler, { _class_name: 'DPMSolverMultistepScheduler', use_karras_sigmas: true });
  assert.equal(o?.spacing, true);
  assert.equal(options.find((x) => x.id === 'EulerDiscreteScheduler')?.detail, 'A1111 Euler');
});

test('the picker offers the newer classes with the spacing and σ choices their configs have', () => {
  const ids = (c: string) => options.filter((o) => o.scheduler?._class_name === c).map((o) => o.id);
  assert.deepEqual(ids('KDPM2AncestralDiscreteScheduler').sort(), [
    'KDPM2AncestralDiscreteScheduler',
    'KDPM2AncestralDiscreteScheduler · beta σ',
    'KDPM2AncestralDiscreteScheduler · exponential σ',
    'KDPM2AncestralDiscreteScheduler · karras σ',
  ]);
  // Singlestep DPM-Solver always spaces by linspace; IPNDM has its own schedule.
  assert.equal(options.find((o) => o.id === 'DPMSolverSinglestepScheduler')?.spacing, false);
  assert.deepEqual(ids('IPNDMScheduler'), ['IPNDMScheduler']);
});
