// The forward view's latent space: z_t = signal·z_0 + noise·ε with z_0 the encoder's posterior mean
// and ε from the seed, decoded by the VAE. Checked against the same formula run directly through
// onnxruntime on the model's own encoder and decoder, with torch's generator for ε.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { ForwardLatentRequest, RgbaPixels } from '../../../src/protocol/engine';
import type { EngineError } from '../../../src/runs/engineClient';
import { maxDiff, model, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

/** A 64×64 card: two ramps and a dark square. */
function card(side = 64): RgbaPixels {
  const rgba = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const dark = x > 10 && x < 30 && y > 34 && y < 54;
      rgba.set([Math.round((255 * x) / side), Math.round((255 * y) / side), dark ? 20 : 200, 255], (y * side + x) * 4);
    }
  }
  return { width: side, height: side, rgba };
}

function ask(levels: ForwardLatentRequest['levels'], seed = 3, name = 'tiny-sd15', imageKey = 'card') {
  return engine.forwardLatent({ modelDir: model(name), provider: 'cpu', image: card(), imageKey, seed, levels });
}

/** decoder(signal·mean·k + noise·ε) / k as bytes, straight through onnxruntime (diffusers' decode: z / k). */
async function expected(levels: ForwardLatentRequest['levels'], seed: number): Promise<Uint8Array[]> {
  const dir = model('tiny-sd15');
  const k = 0.18215;
  const encoder = await ort.InferenceSession.create(join(dir, 'vae_encoder', 'model.onnx'));
  const decoder = await ort.InferenceSession.create(join(dir, 'vae_decoder', 'model.onnx'));
  const { rgba } = card();
  const n = 64 * 64;
  const x = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) x[c * n + p] = rgba[p * 4 + c] / 127.5 - 1;
  const out = await encoder.run({ sample: new ort.Tensor('float32', x, [1, 3, 64, 64]) });
  const mean = (Object.values(out)[0].data as Float32Array).subarray(0, 4 * 8 * 8);
  const eps = new TorchGenerator(seed).randn([1, 4, 8, 8]);
  const images: Uint8Array[] = [];
  for (const { signal, noise } of levels) {
    const z = Float32Array.from(mean, (m, i) => (signal * m * k + noise * eps[i]) / k);
    const decoded = await decoder.run({ [decoder.inputNames[0]]: new ort.Tensor('float32', z, [1, 4, 8, 8]) });
    const px = Object.values(decoded)[0].data as Float32Array;
    const bytes = new Uint8Array(n * 4);
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++)
        bytes[p * 4 + c] = Math.round(Math.min(1, Math.max(0, (px[c * n + p] + 1) / 2)) * 255);
      bytes[p * 4 + 3] = 255;
    }
    images.push(bytes);
  }
  return images;
}

test('x_t in latent space is the decoded signal·z_0 + noise·ε, z_0 the encoder mean, ε from the seed', async () => {
  const levels = [
    { signal: 1, noise: 0 },
    { signal: 0.6, noise: 0.8 },
    { signal: 0, noise: 1 },
  ];
  const result = await ask(levels);
  assert.deepEqual(result.latentShape, [1, 4, 8, 8]);
  assert.equal(result.images.length, 3);
  assert.deepEqual([result.previews[0].width, result.previews[0].height], [8, 8]);
  const want = await expected(levels, 3);
  result.images.forEach((image, i) => {
    assert.deepEqual([image.width, image.height], [64, 64]);
    assert.ok(maxDiff(image.rgba, want[i]) <= 1, `level ${i}: max diff ${maxDiff(image.rgba, want[i])}`);
  });
});

test('a seed gives the same pictures every time; another seed other noise but the same z_0', async () => {
  const levels = [
    { signal: 1, noise: 0 },
    { signal: 0.5, noise: 0.87 },
  ];
  const [a, b, c] = [await ask(levels, 3), await ask(levels, 3), await ask(levels, 4)];
  assert.deepEqual(a.images[1].rgba, b.images[1].rgba);
  assert.deepEqual(a.images[0].rgba, c.images[0].rgba, 'no noise: the seed does not matter');
  assert.ok(maxDiff(a.images[1].rgba, c.images[1].rgba) > 10, 'another seed, other noise');
});

test('a model without an encoder, a pixel-space model and too many levels are refused by name', async () => {
  await assert.rejects(ask([{ signal: 1, noise: 0 }], 0, 'tiny-sd', 'sd'), (e: EngineError) => {
    assert.match(e.message, /vae_encoder/);
    return true;
  });
  await assert.rejects(ask([{ signal: 1, noise: 0 }], 0, 'tiny-ddpm', 'ddpm'), /has no VAE/);
  const many = Array.from({ length: 17 }, () => ({ signal: 1, noise: 0 }));
  await assert.rejects(ask(many), /1 to 16 levels, not 17/);
});

test('a level outside [0, 1], a seed that is not a 32-bit whole number and pixels of the wrong size are refused', async () => {
  const one = [{ signal: 1, noise: 0 }];
  const refused = (pattern: RegExp) => (e: EngineError) => {
    assert.equal(e.code, 'BAD_REQUEST');
    assert.match(e.message, pattern);
    return true;
  };
  await assert.rejects(
    ask([{ signal: 1e30, noise: 0 }]),
    refused(/noise level .* is not √ᾱ and √\(1 − ᾱ\) in \[0, 1\]/),
  );
  for (const seed of [-5, 1.5, 2 ** 32])
    await assert.rejects(ask(one, seed), refused(/seed must be a whole number from 0 to 4294967295/));
  const short = { ...card(), rgba: new Uint8Array(100) };
  const req = { modelDir: model('tiny-sd15'), image: short, imageKey: 'short', seed: 1, levels: one };
  await assert.rejects(engine.forwardLatent(req), refused(/the image is 64×64 with 100 bytes; RGBA needs/));
  // The largest seed the host sends still runs.
  assert.equal((await ask(one, 2 ** 32 - 1)).images.length, 1);
});
