// Every model family fixture generates through the engine process, with the family's recommended
// settings where the spec leaves them out; SDXL micro-conditioning and LCM's guidance input change the
// image; folders the text-to-image pipeline cannot run are refused naming the file and the reason.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerateRequest, StepEvent } from '../../../src/protocol/engine';
import { runSpec, type RunSpec } from '../../../src/protocol/run';
import type { EngineError } from '../../../src/runs/engineClient';
import { copyModel, distinctColours, maxDiff, model, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

function run(folder: string, spec: Partial<RunSpec> = {}): GenerateRequest {
  const modelDir = folder.startsWith('/') ? folder : model(folder);
  return { spec: runSpec({ modelDir, prompt: 'a red circle', seed: 1, ...spec }), options: { provider: 'cpu' } };
}

const FAMILIES: [folder: string, family: string, generation: string, guidance: number][] = [
  ['tiny-sd15', 'sd1', 'optimum>=1.24', 7.5],
  ['tiny-sd15-o122', 'sd1', 'optimum<=1.22', 7.5],
  ['tiny-sdxl', 'sdxl', 'optimum>=1.24', 5],
  ['tiny-sdxl-o122', 'sdxl', 'optimum<=1.22', 5],
  ['tiny-sdxl-turbo', 'sdxl-turbo', 'optimum>=1.24', 0],
  ['tiny-sd-turbo', 'sd-turbo', 'optimum>=1.24', 0],
  ['tiny-lcm', 'lcm', 'optimum>=1.24', 8.5],
  ['tiny-lcm-o122', 'lcm', 'optimum<=1.22', 8.5],
  ['tiny-sd2-v', 'sd2-v', 'optimum>=1.24', 7.5],
];

for (const [folder, family, generation, guidance] of FAMILIES) {
  test(`${folder} (${family}) generates at its native size with its family's guidance`, async () => {
    const r = await engine.generate(run(folder, { steps: 2 }));
    const [img] = r.images;
    assert.equal(img.width, 64);
    assert.equal(img.height, 64);
    assert.ok(distinctColours(img.rgba) > 50, 'image is not uniform');
    assert.equal(r.info.family?.family, family);
    // Without a vae_encoder/ the engine cannot tell 1.22 from 1.23: both take an int64 timestep.
    assert.match(generation, new RegExp(r.info.family.optimumGeneration.replace(/[<>=.+]/g, '\\$&')));
    assert.equal(r.info.spec.guidanceScale, guidance);
    assert.deepEqual(r.info.family?.defaulted, ['guidanceScale', 'width', 'height']);
  });
}

test('left-out steps and guidance come from the family: Turbo 1 trailing step unguided, LCM 4 at 8.5', async () => {
  const steps: StepEvent[] = [];
  const turbo = await engine.generate(run('tiny-sdxl-turbo'), { onStep: (e) => steps.push(e) });
  assert.equal(turbo.info.spec.steps, 1);
  assert.equal(turbo.info.spec.guidanceScale, 0);
  assert.deepEqual(
    steps.map((e) => e.t),
    [999],
    'trailing spacing starts at the last training timestep',
  );
  const recommended = { width: 64, height: 64, steps: 1, guidance: 0, scheduler: 'EulerAncestralDiscreteScheduler' };
  assert.deepEqual(turbo.info.family?.recommended, recommended);
  const lcm = await engine.generate(run('tiny-lcm'));
  assert.equal(lcm.info.spec.steps, 4);
  assert.equal(lcm.info.spec.guidanceScale, 8.5);
  assert.equal(lcm.info.scheduler._class_name, 'LCMScheduler');
  assert.deepEqual(lcm.info.family?.defaulted, ['steps', 'guidanceScale', 'width', 'height']);
});

test('SD 2.x v-prediction runs with the prediction type of its scheduler config', async () => {
  const r = await engine.generate(run('tiny-sd2-v', { steps: 3 }));
  assert.equal(r.info.family?.predictionType, 'v_prediction');
  assert.equal(r.info.scheduler.prediction_type, 'v_prediction');
  const eps = await engine.generate(run('tiny-sd2-v', { steps: 3, scheduler: { prediction_type: 'epsilon' } }));
  assert.ok(maxDiff(eps.images[0].rgba, r.images[0].rgba) > 10, 'the prediction type changes the image');
});

test('SDXL micro-conditioning (original size, crop, target size) changes the image; a same spec repeats it', async () => {
  const base = (await engine.generate(run('tiny-sdxl', { steps: 2 }))).images[0].rgba;
  assert.deepEqual((await engine.generate(run('tiny-sdxl', { steps: 2 }))).images[0].rgba, base);
  // The defaults spelled out are the defaults.
  const size = { width: 64, height: 64 };
  const spelledOut = { steps: 2, originalSize: size, cropTopLeft: { x: 0, y: 0 }, targetSize: size };
  const explicit = await engine.generate(run('tiny-sdxl', spelledOut));
  assert.deepEqual(explicit.images[0].rgba, base);
  const changes = [
    { originalSize: { width: 1024, height: 512 } },
    { cropTopLeft: { x: 256, y: 0 } },
    { targetSize: { width: 2048, height: 2048 } },
  ];
  for (const micro of changes) {
    const r = await engine.generate(run('tiny-sdxl', { steps: 2, ...micro }));
    assert.ok(maxDiff(r.images[0].rgba, base) > 0, `${JSON.stringify(micro)} changes the image`);
  }
  const sd15 = run('tiny-sd15', { steps: 2, cropTopLeft: { x: 8, y: 8 } });
  await assert.rejects(engine.generate(sd15), (e: EngineError) => {
    assert.equal(e.code, 'BAD_REQUEST');
    assert.match(e.message, /crop: SDXL micro-conditioning, which tiny-sd15 \(sd1\) does not take/);
    return true;
  });
});

test('LCM takes g as an input, not as a guided second pass: g changes the image, a negative prompt does not', async () => {
  const at = (g: number, negativePrompt = '') =>
    engine.generate(run('tiny-lcm', { steps: 2, guidanceScale: g, negativePrompt }));
  const base = (await at(8.5)).images[0].rgba;
  assert.ok(maxDiff((await at(2)).images[0].rgba, base) > 0, 'another g, another image');
  assert.deepEqual((await at(8.5, 'blurry')).images[0].rgba, base);
});

test('SDXL at guidance > 1 guides with the negative prompt; Turbo at 0 does not', async () => {
  const xl = (negativePrompt: string) => engine.generate(run('tiny-sdxl', { steps: 2, negativePrompt }));
  assert.ok(maxDiff((await xl('blurry')).images[0].rgba, (await xl('')).images[0].rgba) > 0);
  const turbo = (negativePrompt: string) => engine.generate(run('tiny-sdxl-turbo', { negativePrompt }));
  assert.deepEqual((await turbo('blurry')).images[0].rgba, (await turbo('')).images[0].rgba);
});

function refused(pattern: RegExp) {
  return (e: EngineError) => {
    assert.equal(e.code, 'MODEL_INVALID', e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('a folder the engine cannot run is refused naming the file and why', async () => {
  await assert.rejects(
    engine.generate(run('tiny-sdxl-refiner', { steps: 2 })),
    refused(/tiny-sdxl-refiner\/unet\/model\.onnx: an SDXL refiner/),
  );
});

test('a mismatched SDXL folder is refused naming the component and what is wrong', async () => {
  const noTokenizer = copyModel('tiny-sdxl');
  rmSync(join(noTokenizer, 'tokenizer_2'), { recursive: true });
  await assert.rejects(
    engine.generate(run(noTokenizer, { steps: 2 })),
    refused(/missing .*tiny-sdxl\/tokenizer_2 \(the second text encoder's tokenizer\)/),
  );
  const mixed = copyModel('tiny-sdxl');
  cpSync(model('tiny-sd15/text_encoder'), join(mixed, 'text_encoder'), { recursive: true });
  await assert.rejects(
    engine.generate(run(mixed, { steps: 2 })),
    refused(
      /tiny-sdxl\/unet: text encoder width 64 \(text_encoder 32 \+ text_encoder_2 32\) ≠ UNet cross-attention width 48/,
    ),
  );
});
