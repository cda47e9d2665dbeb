// Encoders of both Optimum generations, 9-channel inpainting UNets and the refusals, on the model
// family fixtures (random weights, diffusers' own AutoencoderKL and UNet2DConditionModel exported).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import type { GenerateRequest, GenerateResult, RgbaPixels, RunImages } from '../../../src/protocol/engine';
import type { RunSpec } from '../../../src/protocol/run';
import type { EngineError } from '../../../src/runs/engineClient';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { halfMask, maxDiff, model, request, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

/** A 64×64 test card: horizontal and vertical ramps and a dark square. */
function card(width = 64, height = 64): RgbaPixels {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = x > 10 && x < 30 && y > 34 && y < 54;
      const ramp = (v: number, n: number) => Math.round((255 * v) / n);
      rgba.set([ramp(x, width), ramp(y, height), inSquare ? 20 : 200, 255], (y * width + x) * 4);
    }
  }
  return { width, height, rgba };
}

function run(name: string, spec: Partial<RunSpec>, images?: RunImages): Promise<GenerateResult> {
  const req: GenerateRequest = request({ modelDir: model(name), prompt: 'a red circle', ...spec, returnTensors: true });
  return engine.generate({ ...req, images });
}

function fails(pattern: RegExp) {
  return (e: EngineError) => {
    assert.equal(e.code, 'BAD_REQUEST', e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test("a posterior encoder's latent is a seeded (mean + std·ε)·scaling_factor, as retrieve_latents", async () => {
  const init = card();
  // DDIM: at strength 0 it takes no step (SD 1.5's PNDM repeats a timestep, so diffusers' cut leaves it one).
  const ddim = { _class_name: 'DDIMScheduler' };
  const a = await run('tiny-sd15', { seed: 5, scheduler: ddim, initImage: 'card.png', strength: 0 }, { init });
  const b = await run('tiny-sd15', { seed: 6, scheduler: ddim, initImage: 'card.png', strength: 0 }, { init });
  assert.equal(a.info.image?.latent, 'posterior-sample');
  // The same formula from the encoder's own output and the seed's generator.
  const encoder = await ort.InferenceSession.create(join(model('tiny-sd15'), 'vae_encoder', 'model.onnx'));
  const n = 64 * 64;
  const x = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) x[c * n + p] = init.rgba[p * 4 + c] / 127.5 - 1;
  const output = await encoder.run({ sample: new ort.Tensor('float32', x, [1, 3, 64, 64]) });
  const params = output.latent_parameters.data as Float32Array;
  const plane = params.length / 2;
  const eps = new TorchGenerator(5).randn([1, 4, 8, 8]);
  const sample = (i: number) => params[i] + Math.exp(0.5 * params[plane + i]) * eps[i];
  const expected = Float32Array.from({ length: plane }, (_, i) => sample(i) * 0.18215);
  const got = a.tensors!.latents;
  for (let i = 0; i < plane; i++) {
    assert.ok(Math.abs(got[i] - expected[i]) < 1e-5, `latent ${i}: ${got[i]} vs ${expected[i]}`);
  }
  assert.ok(maxDiff(a.images[0].rgba, b.images[0].rgba) > 0, 'another seed draws another sample');
});

test("an Optimum 1.22 encoder's latent_sample is taken as it is, and said to be drawn inside its graph", async () => {
  const ddim = { _class_name: 'DDIMScheduler' };
  const spec = { seed: 5, scheduler: ddim, initImage: 'card.png', strength: 0.5 };
  const r = await run('tiny-sd15-o122', spec, { init: card() });
  assert.equal(r.info.image?.latent, 'graph-sample');
  // tiny-shapes' encoder returns its posterior mean as latent_sample: deterministic, no draw.
  const own = await engine.generate({
    spec: { ...request({ prompt: '' }).spec, modelDir: defaultModelDir(), initImage: 'card.png', strength: 0 },
    options: { provider: 'cpu' },
    images: { init: card() },
  });
  assert.equal(own.info.image?.latent, 'encoder-output');
});

test('image-to-image cuts the schedule by the strength and reports the encoder time', async () => {
  const ddim = { _class_name: 'DDIMScheduler' };
  const spec = { steps: 10, initImage: 'card.png', strength: 0.55 };
  const r = await run('tiny-sd15', { ...spec, scheduler: ddim }, { init: card() });
  assert.equal(r.info.timings.unetStepMs.length, 5, 'floor(10 · 0.55) steps');
  // PNDM's schedule repeats one timestep: diffusers' cut at t_start·order keeps 6 entries.
  const pndm = await run('tiny-sd15', spec, { init: card() });
  assert.equal(pndm.info.timings.unetStepMs.length, 6);
  assert.equal(pndm.info.image?.stepsRun, 6, 'the steps run, as reported');
  assert.equal(r.info.image?.beginIndex, 5);
  assert.equal(r.info.image?.stepsRun, 5);
  assert.equal(r.info.spec.strength, 0.55);
  assert.ok((r.info.timings.vaeEncoderMs ?? 0) > 0);
  const defaulted = await run('tiny-sd15', { steps: 8, initImage: 'card.png' }, { init: card() });
  assert.equal(defaulted.info.spec.strength, 0.75, "A1111's default denoising strength");
});

test('an init image of another size and aspect is stretched to the run size', async () => {
  const r = await run('tiny-sd15', { initImage: 'wide.png', strength: 0.5 }, { init: card(100, 30) });
  assert.deepEqual([r.images[0].width, r.images[0].height], [64, 64]);
  const image = r.info.image;
  assert.deepEqual([image?.sourceWidth, image?.sourceHeight, image?.resize], [100, 30, 'stretch-lanczos3']);
});

test('a 9-channel inpainting UNet gets the mask and the masked image; the mask steers the result', async () => {
  const init = card();
  const spec = { seed: 3, initImage: 'card.png', mask: 'mask.png', strength: 1 };
  const right = await run('tiny-sd-inpaint', spec, { init, mask: halfMask(64, 64) });
  assert.equal(right.info.image?.mode, 'inpaint-unet');
  assert.equal(right.info.image?.latent, 'posterior-sample');
  const again = await run('tiny-sd-inpaint', spec, { init, mask: halfMask(64, 64) });
  assert.deepEqual(again.images[0].rgba, right.images[0].rgba, 'seeded');
  const full = halfMask(64, 64);
  full.rgba.fill(255);
  const everything = await run('tiny-sd-inpaint', spec, { init, mask: full });
  assert.ok(maxDiff(everything.images[0].rgba, right.images[0].rgba) > 0);
});

test('an ordinary UNet inpaints by blending, with mask blur feathering the latent mask', async () => {
  const init = card();
  const spec = { seed: 3, initImage: 'card.png', mask: 'mask.png', strength: 0.8 };
  const sharp = await run('tiny-sd15', spec, { init, mask: halfMask(64, 64) });
  const blurred = await run('tiny-sd15', { ...spec, maskBlur: 8 }, { init, mask: halfMask(64, 64) });
  assert.equal(sharp.info.image?.mode, 'inpaint');
  assert.ok(maxDiff(sharp.images[0].rgba, blurred.images[0].rgba) > 0);
});

test('bad image runs are refused, naming the problem', async () => {
  const init = card();
  await assert.rejects(run('tiny-sd', { initImage: 'card.png' }, { init }), fails(/has no vae_encoder\/model\.onnx/));
  await assert.rejects(run('tiny-sd-inpaint', {}), fails(/inpainting UNet \(9 input.*give an init image and a mask/));
  await assert.rejects(run('tiny-sd-inpaint', { initImage: 'card.png' }, { init }), fails(/inpainting UNet/));
  await assert.rejects(run('tiny-sd15', { initImage: 'card.png' }), fails(/no pixels \(images\.init\)/));
  const fromCard = (spec: Partial<RunSpec>, images: RunImages = { init }) =>
    run('tiny-sd15', { initImage: 'card.png', ...spec }, images);
  const narrowMask = { init, mask: halfMask(32, 64) };
  await assert.rejects(fromCard({ mask: 'm.png' }, narrowMask), fails(/mask is 32x64 but the init image is 64x64/));
  await assert.rejects(fromCard({ strength: 1.5 }), fails(/strength must be a number from 0 to 1, not 1\.5/));
  await assert.rejects(run('tiny-sd15', { strength: 0.5 }), fails(/strength needs an init image/));
  await assert.rejects(fromCard({ timesteps: [999, 500] }), fails(/do not combine with an init image/));
  const short = { ...init, rgba: new Uint8Array(10) };
  await assert.rejects(fromCard({}, { init: short }), fails(/^the image is 64×64 with 10 bytes; RGBA needs/));
  const badMask = { init, mask: { ...halfMask(64, 64), rgba: new Uint8Array(10) } };
  await assert.rejects(fromCard({ mask: 'm.png' }, badMask), fails(/^the mask is 64×64 with 10 bytes/));
});

test('a scheduler without add_noise (IPNDM) is refused up front where the run would noise the image', async () => {
  const init = card();
  const ipndm = { _class_name: 'IPNDMScheduler' };
  const noAddNoise = fails(/^IPNDMScheduler has no add_noise in diffusers: image runs need another scheduler$/);
  await assert.rejects(
    run('tiny-sd15', { scheduler: ipndm, initImage: 'card.png', strength: 0.5 }, { init }),
    noAddNoise,
  );
  const mask = halfMask(64, 64);
  const inpaint = { scheduler: ipndm, initImage: 'card.png', mask: 'm.png', strength: 1 };
  // A 4-channel UNet blends the noised image back after every step but the last.
  await assert.rejects(run('tiny-sd15', inpaint, { init, mask }), noAddNoise);
  // Where nothing is noised, as in diffusers, it runs: strength 0, and a 9-channel inpaint from pure noise.
  await run('tiny-sd15', { scheduler: ipndm, initImage: 'card.png', strength: 0 }, { init });
  const pure = await run('tiny-sd-inpaint', inpaint, { init, mask });
  assert.equal(pure.info.spec.steps, 4);
});

test("an inpainting UNet runs with A1111's samplers, fed A1111's conditioning; the kept half is the image's", async () => {
  const init = card();
  const spec = { seed: 3, initImage: 'card.png', mask: 'm.png', strength: 1 };
  const a1111 = { tool: 'a1111' as const, sampler: 'Euler a' };
  const images = { init, mask: halfMask(64, 64) };
  const r = await run('tiny-sd-inpaint', { ...spec, toolSampler: a1111 }, images);
  assert.equal(r.info.image?.mode, 'inpaint');
  // A1111's overlay keeps the unmasked half (the left) as the init image's pixels.
  const kept = Array.from({ length: 64 * 64 }, (_, p) => p).filter((p) => p % 64 < 32);
  assert.ok(kept.every((p) => [0, 1, 2].every((c) => r.images[0].rgba[p * 4 + c] === init.rgba[p * 4 + c])));
  // "fill" changes the start's latents (the conditioning's masked image is the same: fill keeps kept pixels).
  const filled = await run('tiny-sd-inpaint', { ...spec, toolSampler: a1111, maskedContent: 'fill' }, images);
  assert.ok(maxDiff(filled.images[0].rgba, r.images[0].rgba) > 0);
});

test("an inpainting UNet runs with ComfyUI's samplers, as its KSampler with SetLatentNoiseMask runs it", async () => {
  // Its extra channels are inpaintUnetExtra.test.ts's; here the run: euler's last step lands on x̂0, which
  // KSamplerX0Inpaint sets to the init latents where the mask keeps (the left half), whatever the seed.
  const spec = {
    initImage: 'card.png',
    mask: 'm.png',
    strength: 1,
    toolSampler: { tool: 'comfyui' as const, sampler: 'euler' },
  };
  const images = { init: card(), mask: halfMask(64, 64) };
  const [a, b] = await Promise.all([3, 4].map((seed) => run('tiny-sd-inpaint', { ...spec, seed }, images)));
  assert.equal(a.info.image?.mode, 'inpaint');
  const [la, lb] = [a.tensors!.latents, b.tensors!.latents];
  const kept = (i: number) => i % 8 < 4;
  // Within float32 rounding (2e-9 here): the last step computes x + (x − x̂0)/σ·(0 − σ).
  assert.ok(
    la.every((v, i) => !kept(i) || Math.abs(v - lb[i]) < 1e-6),
    'the kept half is the init latents in both',
  );
  assert.ok(
    la.some((v, i) => !kept(i) && v !== lb[i]),
    'the repainted half follows the seed',
  );
});

test("ComfyUI's VAEEncodeForInpaint: the image encoded grey under the mask, which repaints grown", async () => {
  // The mask is one latent cell (pixels 24–31 both ways); grown by 16 (a window of 8 pixels before and 7 after)
  // it covers the 3×3 cells around it, which then repaint with each seed's noise. Elsewhere euler's last step
  // lands on the latents of the image grey under the (ungrown) mask, as the node encodes it: the posterior mean.
  const init = card();
  const mask = { width: 64, height: 64, rgba: new Uint8Array(64 * 64 * 4) };
  for (let y = 0; y < 64; y++)
    for (let x = 0; x < 64; x++) {
      const white = x >= 24 && x < 32 && y >= 24 && y < 32 ? 255 : 0;
      mask.rgba.set([white, white, white, 255], (y * 64 + x) * 4);
    }
  const spec = {
    initImage: 'card.png',
    mask: 'm.png',
    strength: 1,
    toolSampler: { tool: 'comfyui' as const, sampler: 'euler' },
    inpaintNode: 'VAEEncodeForInpaint' as const,
    growMaskBy: 16,
  };
  const [a, b] = await Promise.all([3, 4].map((seed) => run('tiny-sd-inpaint', { ...spec, seed }, { init, mask })));
  const encoder = await ort.InferenceSession.create(join(model('tiny-sd-inpaint'), 'vae_encoder', 'model.onnx'));
  const n = 64 * 64;
  const grey = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < n; p++) grey[c * n + p] = mask.rgba[p * 4] === 255 ? 0 : init.rgba[p * 4 + c] / 127.5 - 1;
  const output = await encoder.run({ sample: new ort.Tensor('float32', grey, [1, 3, 64, 64]) });
  const mean = (output.latent_parameters.data as Float32Array).subarray(0, 4 * 64);
  const cell = (i: number) => [Math.floor((i % 64) / 8), i % 8];
  const grown = (i: number) => cell(i).every((v) => v >= 2 && v <= 4);
  const [la, lb] = [a.tensors!.latents, b.tensors!.latents];
  assert.ok(
    la.every((v, i) => grown(i) || Math.abs(v - mean[i] * 0.18215) < 1e-6),
    'outside the grown mask: the grey-masked image',
  );
  assert.ok(la.every((v, i) => grown(i) || Math.abs(v - lb[i]) < 1e-6));
  const ring = (i: number) => grown(i) && !(cell(i)[0] === 3 && cell(i)[1] === 3);
  assert.ok(
    la.some((v, i) => ring(i) && Math.abs(v - lb[i]) > 1e-3),
    'the cells the grow adds repaint, following the seed (kept ones differ by rounding only, below 1e-6)',
  );
  // SetLatentNoiseMask over the plain image keeps those cells: they end on the image's latents in both seeds.
  const plain = { ...spec, inpaintNode: undefined, growMaskBy: undefined };
  const [pa, pb] = await Promise.all([3, 4].map((seed) => run('tiny-sd-inpaint', { ...plain, seed }, { init, mask })));
  assert.ok(pa.tensors!.latents.every((v, i) => !ring(i) || Math.abs(v - pb.tensors!.latents[i]) < 1e-6));
});
