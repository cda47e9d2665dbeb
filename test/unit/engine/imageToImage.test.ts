// Image-to-image, inpainting and inversion on the default model (tiny-shapes, whose folder has a VAE
// encoder), through the engine process; images are judged by training/classify.py, the pixel
// classifier the model's quality was measured with.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import type { GenerateRequest, GenerateResult, RgbaPixels, RunImages } from '../../../src/protocol/engine';
import { runSpec, type RunSpec } from '../../../src/protocol/run';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { classify } from './classify';
import { halfMask, maxDiff, meanAbs, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

const RED = 'a red circle at the top left on a blue background';
const GREEN = 'a green circle at the top left on a blue background';

function run(spec: Partial<RunSpec>, images?: RunImages, returnTensors = false): Promise<GenerateResult> {
  const request: GenerateRequest = {
    spec: runSpec({ modelDir: defaultModelDir(), prompt: RED, seed: 1, steps: 20, ...spec }),
    options: { provider: 'cpu', returnTensors },
    images,
  };
  return engine.generate(request);
}

async function redCircle(seed: number): Promise<RgbaPixels> {
  const [image] = (await run({ seed })).images;
  return { width: image.width, height: image.height, rgba: image.rgba };
}

/** decode(encode(x)) straight through onnxruntime, RGB bytes as the engine writes them. */
async function vaeRoundTrip(img: RgbaPixels): Promise<Uint8Array> {
  const session = (part: string) => ort.InferenceSession.create(join(defaultModelDir(), part, 'model.onnx'));
  const [encoder, decoder] = await Promise.all([session('vae_encoder'), session('vae_decoder')]);
  const n = img.width * img.height;
  const x = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) x[c * n + p] = img.rgba[p * 4 + c] / 127.5 - 1;
  const sample = new ort.Tensor('float32', x, [1, 3, img.height, img.width]);
  const z = Object.values(await encoder.run({ sample }))[0];
  const y = Object.values(await decoder.run({ latent_sample: z }))[0].data as Float32Array;
  const rgba = new Uint8Array(4 * n);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(Math.min(1, Math.max(0, y[c * n + p] * 0.5 + 0.5)) * 255);
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

test('strength 0 takes no step and returns the VAE round trip of the input', async () => {
  const init = await redCircle(1);
  const r = await run({ prompt: GREEN, initImage: 'red.png', strength: 0 }, { init });
  assert.equal(r.info.timings.unetStepMs.length, 0);
  assert.equal(r.info.image?.beginIndex, 20);
  assert.equal(r.info.image?.stepsRun, 0);
  assert.ok(maxDiff(r.images[0].rgba, await vaeRoundTrip(init)) <= 1, 'decode(encode(x))');
  assert.ok(maxDiff(r.images[0].rgba, init.rgba) > 0, 'the round trip is not the identity');
});

test('strength 1 starts from noise at the first timestep: with zero terminal SNR, the text-to-image run', async () => {
  const init = await redCircle(1);
  // ᾱ at t = 999 is 0 here, so add_noise(x0, ε, 999) = ε: the image has no weight left (diffusers'
  // img2img at strength 1 adds noise at timesteps[0] over the full schedule). DDIM needs v-prediction
  // at ᾱ = 0; the ε-trained model then draws nonsense, but the same nonsense both ways.
  const scheduler = { rescale_betas_zero_snr: true, timestep_spacing: 'trailing', prediction_type: 'v_prediction' };
  const text = await run({ prompt: GREEN, seed: 7, scheduler });
  const image = await run({ prompt: GREEN, seed: 7, scheduler, initImage: 'red.png', strength: 1 }, { init });
  assert.equal(image.info.timings.unetStepMs.length, 20);
  assert.deepEqual(image.images[0].rgba, text.images[0].rgba);
  // With the model's own schedule (ᾱ_951 > 0) a trace of the image remains.
  const own = await run({ prompt: GREEN, seed: 7, initImage: 'red.png', strength: 1 }, { init });
  assert.ok(maxDiff(own.images[0].rgba, (await run({ prompt: GREEN, seed: 7 })).images[0].rgba) > 0);
});

test('image-to-image at strength 0.7 recolours a red circle green and keeps its place, over seeds', async () => {
  const inputs: RgbaPixels[] = [];
  const outputs: RgbaPixels[] = [];
  for (const seed of [1, 2, 3]) {
    const init = await redCircle(seed);
    const r = await run({ prompt: GREEN, seed: seed + 100, initImage: 'red.png', strength: 0.7 }, { init });
    assert.equal(r.info.image?.mode, 'img2img');
    assert.equal(r.info.timings.unetStepMs.length, 14, 'floor(20 · 0.7) steps');
    inputs.push(init);
    outputs.push(r.images[0]);
  }
  const before = classify(inputs);
  const after = classify(outputs);
  for (const [i, scene] of before.entries()) {
    assert.deepEqual([scene.colour, scene.position, scene.background], ['red', 'top left', 'blue'], `input ${i}`);
    const { colour, position, background } = after[i];
    assert.deepEqual([colour, position, background], ['green', 'top left', 'blue'], `output ${i}`);
  }
});

test('inpainting repaints the white half of the mask and keeps the rest at the init latents', async () => {
  for (const seed of [1, 2]) {
    const init = await redCircle(seed);
    const mask = halfMask(64, 64);
    const prompt = 'a yellow square at the bottom right on a blue background';
    const spec = { prompt, seed, initImage: 'red.png', mask: 'm.png', strength: 1 };
    const r = await run(spec, { init, mask }, true);
    const roundTrip = await run({ initImage: 'red.png', strength: 0 }, { init }, true);
    assert.equal(r.info.image?.mode, 'inpaint');
    // Latent cells wholly outside the mask end as the encoded image, exactly (the last blend is clean).
    const [, channels, h, w] = r.tensors!.latentShape;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w / 2; x++) {
          const k = (c * h + y) * w + x;
          assert.equal(r.tensors!.latents[k], roundTrip.tensors!.latents[k], `latent ${c},${y},${x}`);
        }
      }
    }
    const kept = meanAbs(r.images[0].rgba, init.rgba, (x) => x < 32);
    const vae = meanAbs(roundTrip.images[0].rgba, init.rgba, (x) => x < 32);
    const repainted = meanAbs(r.images[0].rgba, init.rgba, (x) => x >= 32);
    // The decoder's GroupNorm sees the whole image, so kept pixels move a little with the new half.
    assert.ok(kept <= 3 * vae, `kept half: mean |Δ| ${kept.toFixed(2)} vs the round trip's ${vae.toFixed(2)}`);
    assert.ok(repainted > 10 * vae, `repainted half: mean |Δ| ${repainted.toFixed(2)}`);
    assert.equal(classify([r.images[0]])[0].colour, 'yellow');
  }
});

test('DDIM inversion reconstructs the image: PSNR reported, above 30 dB at 50 steps', async () => {
  const init = await redCircle(1);
  const r = await run({ prompt: '', guidanceScale: 1, steps: 50, initImage: 'red.png', invert: true }, { init });
  const psnr = r.info.image?.psnr ?? 0;
  assert.equal(r.info.image?.mode, 'invert');
  assert.equal(r.info.scheduler._class_name, 'DDIMScheduler');
  assert.equal(r.info.timings.unetStepMs.length, 100, '50 steps up, 50 down');
  assert.ok(psnr > 30, `PSNR ${psnr.toFixed(2)} dB`);
  // The same pixels as the input would give an infinite PSNR; a reconstruction is close, not equal.
  assert.ok(Number.isFinite(psnr));
});
