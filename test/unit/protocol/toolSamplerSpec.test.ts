import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunSpec, runSpec, specNoise, type RunSpec } from '../../../src/protocol/run';

const spec = (extra: Partial<RunSpec>) => runSpec({ modelDir: '/m', prompt: 'p', seed: 1, ...extra });
const fields = (s: RunSpec) => checkRunSpec(s).map((p) => `${p.field}: ${p.message}`);

test('tool sampler names resolve through the registry; unknown ones name the field and the name', () => {
  assert.deepEqual(fields(spec({ toolSampler: { tool: 'a1111', sampler: 'DPM++ 2M Karras' } })), []);
  assert.deepEqual(fields(spec({ toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m', schedule: 'karras' } })), []);
  assert.deepEqual(fields(spec({ toolSampler: { tool: 'a1111', sampler: 'DEIS' } })), [
    'toolSampler: A1111 has no sampler "DEIS"',
  ]);
  const bad = fields(spec({ toolSampler: { tool: 'comfyui', sampler: 'euler', schedule: 'Karras' } }));
  assert.equal(bad.length, 1);
  assert.match(bad[0], /^toolSampler: ComfyUI has no scheduler "Karras"/);
  assert.match(fields(spec({ toolSampler: { tool: 'x', sampler: 'euler' } as never }))[0], /^toolSampler: /);
});

test("a tool sampler's fewest steps are checked before the model: A1111 UniPC 3, kl_optimal and Brownian noise 2", () => {
  const at = (tool: 'a1111' | 'comfyui', sampler: string, steps: number, schedule?: string) =>
    fields(spec({ toolSampler: { tool, sampler, schedule }, steps }));
  assert.deepEqual(at('a1111', 'UniPC', 2), [
    "steps: A1111's UniPC needs at least 3 steps (it runs at order 3), not 2",
  ]);
  assert.deepEqual(at('a1111', 'UniPC', 3), []);
  assert.deepEqual(at('comfyui', 'euler', 1, 'kl_optimal'), [
    "steps: ComfyUI's euler needs at least 2 steps (on kl_optimal one step gives NaN), not 1",
  ]);
  assert.deepEqual(at('comfyui', 'euler', 1, 'karras'), []);
  assert.deepEqual(at('a1111', 'DPM++ SDE Karras', 1), [
    "steps: A1111's DPM++ SDE Karras needs at least 2 steps (its Brownian-tree noise runs between two σ), not 1",
  ]);
  assert.deepEqual(at('comfyui', 'dpmpp_2m_sde', 2, 'normal'), []);
  // An explicit σ list gives the steps itself: the engine checks its σ.
  assert.deepEqual(fields(spec({ toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m_sde' }, sigmas: [14.6, 0] })), []);
});

test('a tool sampler takes sigmas, not timesteps', () => {
  const toolSampler = { tool: 'comfyui' as const, sampler: 'euler', schedule: 'normal' };
  assert.deepEqual(fields(spec({ toolSampler, sigmas: [14.6, 1, 0] })), []);
  assert.deepEqual(fields(spec({ toolSampler, timesteps: [999, 500] })), [
    'timesteps: a tool sampler takes sigmas, not timesteps',
  ]);
});

test("noise convention: checked, and defaults to the tool's own", () => {
  assert.match(fields(spec({ noise: 'torch' as never }))[0], /^noise: noise must be one of diffusers, a1111, comfyui/);
  assert.equal(specNoise({}), 'diffusers');
  assert.equal(specNoise({ toolSampler: { tool: 'a1111', sampler: 'Euler' } }), 'a1111');
  assert.equal(specNoise({ toolSampler: { tool: 'a1111', sampler: 'Euler' }, noise: 'comfyui' }), 'comfyui');
});
