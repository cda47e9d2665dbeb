// The real pipeline on the committed tiny models, through the engine process (no mocks).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'fast-png';
import type { StepEvent } from '../../../src/protocol/engine';
import { readPngText } from '../../../src/png/pngText';
import { executeRun, prepareRun } from '../../../src/runs/executeRun';
import { schedulerClassNames } from '../../../src/core/samplers/registry';
import { distinctColours, maxDiff, meanDiff, model, request, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

test('text-to-image on the tiny model gives a seeded, non-uniform 64x64 PNG with its parameters', async () => {
  const req = request();
  const a = await executeRun(engine, prepareRun(req.spec), req.options);
  const b = await engine.generate(request());
  const other = await engine.generate(request({ seed: 2 }));
  const [img] = a.images;
  assert.equal(img.width, 64);
  assert.equal(img.height, 64);
  assert.equal(img.rgba.length, 64 * 64 * 4);
  assert.ok(distinctColours(img.rgba) > 100, 'image is not uniform');
  assert.deepEqual(b.images[0].rgba, img.rgba, 'same seed, same image');
  assert.ok(maxDiff(other.images[0].rgba, img.rgba) > 10, 'another seed, another image');
  const png = decode(img.png);
  assert.equal(png.width, 64);
  assert.deepEqual(new Uint8Array(png.data), img.rgba);
  // diffusers' DDIM is not A1111's: no stand-in sampler name, the reason instead.
  assert.match(
    readPngText(img.png).parameters,
    /Steps: 4, CFG scale: 7.5, Seed: 1, Size: 64x64,.*Sampler note: "DDIMScheduler: /,
  );
  assert.equal(a.info.provider, 'cpu');
  assert.equal(a.info.timings.unetStepMs.length, 4);
  assert.equal(a.info.scheduler._class_name, 'DDIMScheduler');
  assert.deepEqual(a.info.seeds, [1]);
});

test('every export variant runs and matches the Optimum-style folder it was exported with', async () => {
  const base = (await engine.generate(request())).images[0].rgba;
  // Same weights, other I/O conventions: int32 ids + float[batch] timestep + weights.pb; int64 timestep + tokenizer.json.
  for (const name of ['tiny-sd-legacy', 'tiny-sd-int64t']) {
    const r = await engine.generate(request({ modelDir: model(name) }));
    assert.deepEqual(r.images[0].rgba, base, name);
  }
  // fp16 I/O and model.onnx_data: the same image up to half-precision rounding at every boundary
  // (about 1e-3 relative), which the steps amplify in places.
  const half = (await engine.generate(request({ modelDir: model('tiny-sd-fp16') }))).images[0].rgba;
  assert.ok(meanDiff(half, base) < 1.5, `fp16 mean difference ${meanDiff(half, base)}`);
  assert.ok(maxDiff(half, base) <= 24, `fp16 max difference ${maxDiff(half, base)}`);
});

test('a pixel-space unconditional UNet generates at its own size', async () => {
  const r = await engine.generate(request({ modelDir: model('tiny-ddpm'), prompt: '', guidanceScale: 1 }));
  assert.equal(r.info.model.kind, 'unconditional');
  assert.equal(r.images[0].width, 16);
  assert.ok(distinctColours(r.images[0].rgba) > 50);
  await assert.rejects(engine.generate(request({ modelDir: model('tiny-ddpm'), width: 32 })), /width must be 16/);
});

test('batch images are the images of their seeds alone', async () => {
  const batch = await engine.generate(request({ batchSize: 2, seed: 5 }));
  assert.equal(batch.images.length, 2);
  assert.deepEqual(batch.info.seeds, [5, 6]);
  for (const [i, seed] of [5, 6].entries()) {
    const single = await engine.generate(request({ seed }));
    assert.ok(maxDiff(batch.images[i].rgba, single.images[0].rgba) <= 1, `image ${i}`);
  }
});

test('negative prompt, guidance scale and guidance rescale each change the image', async () => {
  const base = (await engine.generate(request())).images[0].rgba;
  for (const change of [
    { negativePrompt: 'blue dog' },
    { guidanceScale: 1 },
    { guidanceScale: 3 },
    { guidanceRescale: 0.7 },
  ]) {
    const r = await engine.generate(request(change));
    assert.ok(maxDiff(r.images[0].rgba, base) > 0, JSON.stringify(change));
  }
});

test('width and height: multiples of 8 run at that size, others are refused with the reason', async () => {
  const r = await engine.generate(request({ width: 48, height: 80 }));
  assert.equal(r.images[0].width, 48);
  assert.equal(r.images[0].height, 80);
  await assert.rejects(
    engine.generate(request({ width: 100 })),
    (e: Error & { code?: string }) => e.code === 'BAD_REQUEST' && /width 100 is not a multiple of 8/.test(e.message),
  );
});

test('unknown prompt words are reported', async () => {
  const r = await engine.generate(request({ prompt: 'a red cat on a crème brûlée' }));
  assert.deepEqual(r.info.unknownWords, ['crème', 'brûlée']);
});

test('step events carry t, σ, x_t, x̂0 and previews at the chosen cadence', async () => {
  for (const kind of ['latent', 'vae', 'taesd'] as const) {
    const events: StepEvent[] = [];
    await engine.generate(request({ steps: 5, preview: { every: 2, kind }, captureLatents: true }), {
      onStep: (e) => events.push(e),
    });
    assert.deepEqual(
      events.map((e) => e.step),
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual(
      events.map((e) => e.t),
      [801, 601, 401, 201, 1],
    );
    assert.ok(events[0].sigma > events[4].sigma && events[4].sigma > 0);
    const withPreview = events.filter((e) => e.preview).map((e) => e.step);
    assert.deepEqual(withPreview, [1, 3, 4], kind);
    const p = events[4].preview!;
    assert.equal(p.width, kind === 'latent' ? 8 : 64, kind);
    assert.equal(p.rgba.length, p.width * p.height * 4);
    assert.ok(events[4].x0 instanceof Float32Array && events[4].x0.length === 4 * 8 * 8);
    assert.ok(events[4].xt instanceof Float32Array);
    assert.equal(events[0].xt, undefined, 'latents only at the cadence');
  }
});

test('a scheduler override switches the sampler and keeps the model schedule', async () => {
  const ddim = await engine.generate(request());
  const euler = await engine.generate(request({ scheduler: { _class_name: 'EulerDiscreteScheduler' } }));
  assert.equal(euler.info.scheduler._class_name, 'EulerDiscreteScheduler');
  assert.equal(euler.info.scheduler.beta_schedule, 'scaled_linear');
  assert.ok(maxDiff(euler.images[0].rgba, ddim.images[0].rgba) > 0);
  await assert.rejects(engine.generate(request({ scheduler: { _class_name: 'NoSuchScheduler' } })), /NoSuchScheduler/);
});

test('final latents and the float image come back on request', async () => {
  const r = await engine.generate(request({ returnTensors: true }));
  assert.deepEqual(r.tensors!.latentShape, [1, 4, 8, 8]);
  assert.deepEqual(r.tensors!.imageShape, [1, 3, 64, 64]);
  assert.equal(r.tensors!.image.length, 3 * 64 * 64);
});

test('every registered sampler runs the pipeline end to end', async () => {
  const images = new Map<string, Uint8Array>();
  for (const name of schedulerClassNames) {
    const r = await engine.generate(request({ scheduler: { _class_name: name } }));
    assert.equal(r.info.scheduler._class_name, name);
    assert.ok(distinctColours(r.images[0].rgba) > 100, name);
    images.set(name, r.images[0].rgba);
  }
  assert.ok(
    maxDiff(
      images.get('DDIMScheduler')!,
      images.get('EulerAncestralDiscreteScheduler') ?? images.get('EulerDiscreteScheduler')!,
    ) > 0,
  );
});

test('captured latents come every step when no preview is set', async () => {
  const events: StepEvent[] = [];
  await engine.generate(request({ steps: 3, captureLatents: true }), { onStep: (e) => events.push(e) });
  assert.deepEqual(
    events.map((e) => e.x0?.length),
    [256, 256, 256],
  );
  assert.ok(events.every((e) => e.preview === undefined));
});

test('a fixed-shape export runs in the batch sizes it takes and refuses other sizes', async () => {
  const base = await engine.generate(request({ batchSize: 3 }));
  // Text encoder batch 1, UNet batch 2 (so 6 guided rows in 3 runs), VAE batch 1; same weights as tiny-sd.
  const fixed = await engine.generate(request({ modelDir: model('tiny-sd-static'), batchSize: 3 }));
  fixed.images.forEach((img, i) => assert.ok(maxDiff(img.rgba, base.images[i].rgba) <= 1, `image ${i}`));
  await assert.rejects(engine.generate(request({ modelDir: model('tiny-sd-static'), width: 72 })), /width must be 64/);
  // Without guidance the UNet sees one row per image: the odd last row is padded to the fixed batch of 2.
  const unguided = await engine.generate(request({ guidanceScale: 1 }));
  const fixedUnguided = await engine.generate(request({ modelDir: model('tiny-sd-static'), guidanceScale: 1 }));
  assert.ok(maxDiff(fixedUnguided.images[0].rgba, unguided.images[0].rgba) <= 1);
});
