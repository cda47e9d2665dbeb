import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuidanceLabel, runSamplerLabel } from '../../../src/protocol/runLabels';
import { runSpec, type RunSpec } from '../../../src/protocol/run';

const spec: RunSpec = { ...runSpec({ modelDir: '/m', prompt: 'p', seed: 1 }), guidanceScale: 7.5 };

test("a run's sampler is named as the tool that named it, else by its diffusers class", () => {
  const tool = { ...spec, toolSampler: { tool: 'a1111' as const, sampler: 'DPM++ 2M', schedule: 'Karras' } };
  assert.equal(runSamplerLabel({ spec: tool, schedulerClass: 'DPMSolverMultistepScheduler' }), 'A1111 DPM++ 2M Karras');
  const comfy = { ...spec, toolSampler: { tool: 'comfyui' as const, sampler: 'euler' } };
  assert.equal(runSamplerLabel({ spec: comfy }), 'ComfyUI euler · normal');
  assert.equal(runSamplerLabel({ spec, schedulerClass: 'EulerDiscreteScheduler' }), 'EulerDiscreteScheduler');
  const asked = { ...spec, scheduler: { _class_name: 'DDIMScheduler' } };
  assert.equal(runSamplerLabel({ spec: asked }), 'DDIMScheduler', 'queued: the class asked for');
  assert.equal(runSamplerLabel({ spec }), "model's scheduler");
});

test("an LCM's guidance is an embedding, not CFG", () => {
  assert.equal(runGuidanceLabel({ spec, family: 'sd1' }), 'CFG 7.5');
  assert.equal(runGuidanceLabel({ spec: { ...spec, guidanceScale: 8.5 }, family: 'lcm' }), 'guidance 8.5 (embedded)');
  assert.equal(runGuidanceLabel({ spec: { ...spec, guidanceScale: undefined } }), undefined);
});
