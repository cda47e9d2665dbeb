import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunSpec, runSpec, specNoise, type RunSpec } from '../../../src/protocol/run';

const spec = (extra: Partial<RunSpec>) => runSpec({ modelDir: '/m', prompt: 'p', seed: 1, ...extra });
const fields = (s: RunSpec) => checkRunSpec(s).map((p) => `${p.field}: ${p.message}`);

test('tool sampler names resolve through the registry; unknown ones name the field and the name', () => {
  assert.deepEqual(fields(spec({ toolSampler: { tool: 'a1111', sampler: 'DPM++ 2M Karras' } })), []);
  assert.deepEqual(fields(spec({ toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m', schedule: 'karras' } })), []);
  assert.deepEqual(fields(spec({ toolSampler: { tool: 'a1111', sampler: 'DEIS' } })),
    ['toolSampler: A1111 has no sampler "DEIS"']);
  const bad = fields(spec({ toolSampler: { tool: 'comfyui', sampler: 'euler', schedule: 'Karras' } }));
  assert.equal(bad.length, 1);
  assert.match(bad[0], /^toolSampler: ComfyUI has no scheduler "Karras"/);
  assert.match(fields(spec({ toolSampler: { tool: 'x', sampler: 'euler' } as never }))[0], /^toolSampler: /);
});

test('a tool sampler takes sigmas, not timesteps', () => {
  const toolSampler = { tool: 'comfyui' as const, sampler: 'euler', schedule: 'normal' };
  assert.deepEqual(fields(spec({ toolSampler, sigmas: [14.6, 1, 0] })), []);
  assert.deepEqual(fields(spec({ toolSampler, timesteps: [999, 500] })),
    ['timesteps: a tool sampler takes sigmas, not timesteps']);
});

test('noise convention: checked, and defaults to the tool\'s own', () => {
  assert.match(fields(spec({ noise: 'torch' as never }))[0], /^noise: noise must be one of diffusers, a1111, comfyui/);
  assert.equal(specNoise({}), 'diffusers');
  assert.equal(specNoise({ toolSampler: { tool: 'a1111', sampler: 'Euler' } }), 'a1111');
  assert.equal(specNoise({ toolSampler: { tool: 'a1111', sampler: 'Euler' }, noise: 'comfyui' }), 'comfyui');
});
