// SDXL base + refiner through the engine process against diffusers v0.35.2 running
// StableDiffusionXLPipeline(denoising_end) → StableDiffusionXLImg2ImgPipeline(denoising_start) on the same
// fixture weights (test/fixtures/reference/refiner/refiner.json, made by gen_refiner_reference.py there):
// the timesteps each stage calls its UNet at and the final latents; and the refusals.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerateRequest, StepEvent } from '../../../src/protocol/engine';
import { runSpec, type RunSpec } from '../../../src/protocol/run';
import type { EngineError } from '../../../src/runs/engineClient';
import { model, startEngine } from './fixtures';

interface Case {
  scheduler: string;
  steps: number;
  switch: number;
  guidance_scale: number;
  seed: number;
  prompt: string;
  base_timesteps: number[];
  refiner_timesteps: number[];
  latents: number[];
}
const REFERENCE = join(__dirname, '..', '..', 'fixtures', 'reference', 'refiner', 'refiner.json');
const { cases } = JSON.parse(readFileSync(REFERENCE, 'utf8')) as { cases: Case[] };

const engine = startEngine();
after(() => engine.dispose());

function run(spec: Partial<RunSpec>): GenerateRequest {
  const base = { modelDir: model('tiny-sdxl'), prompt: 'a red circle', seed: 1, refiner: model('tiny-sdxl-refiner') };
  return { spec: runSpec({ ...base, ...spec }), options: { provider: 'cpu', returnTensors: true } };
}

for (const c of cases) {
  test(`base + refiner, ${c.scheduler} ${c.steps} steps switching at ${c.switch}: diffusers' split and latents`, async () => {
    const steps: StepEvent[] = [];
    const spec = {
      prompt: c.prompt,
      seed: c.seed,
      steps: c.steps,
      guidanceScale: c.guidance_scale,
      refinerSwitchAt: c.switch,
      scheduler: { _class_name: c.scheduler },
    };
    const r = await engine.generate(run(spec), { onStep: (e) => steps.push(e) });
    const calls = steps.map((e) => e.t);
    assert.deepEqual(calls, [...c.base_timesteps, ...c.refiner_timesteps]);
    assert.ok(steps.every((e) => e.totalSteps === calls.length));
    const refiner = r.info.refiner!;
    assert.deepEqual([refiner.baseSteps, refiner.refinerSteps], [c.base_timesteps.length, c.refiner_timesteps.length]);
    assert.equal(refiner.switchAt, c.switch);
    assert.equal(r.info.spec.refinerSwitchAt, c.switch);
    const latents = r.tensors!.latents;
    assert.equal(latents.length, c.latents.length);
    const scale = Math.max(...c.latents.map(Math.abs));
    const worst = Math.max(...c.latents.map((v, i) => Math.abs(latents[i] - v)));
    assert.ok(worst < 1e-5 * scale, `largest difference ${worst} (largest value ${scale})`);
  });
}

test('the switch defaults to 0.8 and moves the hand-over; without a refiner the run is the base alone', async () => {
  const events = async (spec: Partial<RunSpec>) => {
    const t: number[] = [];
    const r = await engine.generate(run({ steps: 10, ...spec }), { onStep: (e) => t.push(e.t) });
    return { t, r };
  };
  const byDefault = await events({});
  assert.equal(byDefault.r.info.spec.refinerSwitchAt, 0.8);
  assert.equal(byDefault.r.info.refiner?.baseSteps, 8);
  const early = await events({ refinerSwitchAt: 0.3 });
  assert.equal(early.r.info.refiner?.baseSteps, 3);
  const alone = await events({ refiner: undefined });
  assert.equal(alone.r.info.refiner, undefined);
  assert.deepEqual(alone.t, byDefault.t, 'one schedule, split between the stages');
});

function refused(code: string, pattern: RegExp) {
  return (e: EngineError) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('a refiner as the run model, a non-SDXL refiner and a non-SDXL base are refused naming why', async () => {
  await assert.rejects(
    engine.generate(run({ modelDir: model('tiny-sdxl-refiner'), refiner: undefined, steps: 2 })),
    refused('MODEL_INVALID', /tiny-sdxl-refiner\/unet\/model\.onnx: an SDXL refiner .* \(--refiner\)/),
  );
  await assert.rejects(
    engine.generate(run({ refiner: model('tiny-sd15'), steps: 2 })),
    refused('BAD_REQUEST', /tiny-sd15 cannot refine tiny-sdxl: it is sd1, not an SDXL refiner/),
  );
  await assert.rejects(
    engine.generate(run({ modelDir: model('tiny-sd15'), steps: 2 })),
    refused('BAD_REQUEST', /cannot refine tiny-sd15: the base is sd1/),
  );
  await assert.rejects(engine.generate(run({ refinerSwitchAt: 1 })), refused('BAD_REQUEST', /refiner switch must/));
});
