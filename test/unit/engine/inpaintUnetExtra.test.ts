// What a 9-channel inpainting UNet gets besides the latents in a tool run, as each tool makes it: ComfyUI
// (comfy/model_base.py BaseModel.concat_cond) the rounded denoise mask and, under SetLatentNoiseMask's graph,
// the run's own latents, under InpaintModelConditioning's the grey-masked image encoded; A1111
// (inpainting_image_conditioning) its nearest-resized mask and the masked image encoded again; and without a
// mask (image-to-image) a mask of ones with each tool's stand-in for the masked image.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { comfyConcatMask } from '../../../src/core/kdiffusion/comfyInpaint';
import { pixelMask, toolImage, toolInpaintMask } from '../../../src/engine/initLatents';
import { loadSessions, type ModelSessions } from '../../../src/engine/modelSessions';
import type { ResolvedSpec, RunShape } from '../../../src/engine/requestCheck';
import type { NoiseSource } from '../../../src/core/rng/noiseSource';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import type { RgbaPixels } from '../../../src/protocol/engine';
import { halfMask, model } from './fixtures';

const loaded: ModelSessions[] = [];
after(async () => {
  for (const s of loaded)
    for (const m of [s.unet, s.textEncoder, s.vaeDecoder, s.vaeEncoder?.model]) await m?.release();
});

const SHAPE: RunShape = { batch: 1, channels: 4, width: 64, height: 64, latentWidth: 8, latentHeight: 8 };

/** Colour ramps, different on every pixel, so that masking them changes what the encoder sees. */
function ramps(): RgbaPixels {
  const rgba = new Uint8Array(64 * 64 * 4);
  for (let p = 0; p < 64 * 64; p++) rgba.set([(p * 7) % 256, (p >> 4) % 256, (p * 3) % 256, 255], p * 4);
  return { width: 64, height: 64, rgba };
}

async function extraFor(
  tool: 'comfyui' | 'a1111',
  inpaintNode?: 'InpaintModelConditioning',
  maskImage: RgbaPixels | null = halfMask(64, 64), // null: no mask
) {
  const s = await loadSessions(readModelFolder(model('tiny-sd-inpaint')), 'cpu');
  loaded.push(s);
  const images = { init: ramps(), mask: maskImage ?? undefined };
  const mask = maskImage ? toolInpaintMask(pixelMask(images, 0, SHAPE), SHAPE, tool) : undefined;
  const req = { toolSampler: { tool, sampler: 'euler' }, inpaintNode } as unknown as ResolvedSpec;
  // The mean of the posterior draws no noise.
  const image = await toolImage(s, req, images, SHAPE, {} as NoiseSource, mask);
  return { image, mask, extra: image.unetExtra! };
}

test("ComfyUI's extra channels: the denoise mask rounded, then the run's own latents", async () => {
  const { image, mask, extra } = await extraFor('comfyui');
  assert.deepEqual(extra.shape, [1, 5, 8, 8]);
  assert.deepEqual(Array.from(extra.data.subarray(0, 64)), Array.from(comfyConcatMask(mask!.latent)));
  assert.deepEqual(Array.from(extra.data.subarray(64)), Array.from(image.latents.data));
});

test("A1111's extra channels: its own mask, and the masked image's latents, not the run's", async () => {
  const { image, extra } = await extraFor('a1111');
  assert.deepEqual(extra.shape, [1, 5, 8, 8]);
  const repaints = Array.from({ length: 64 }, (_, k) => (k % 8 >= 4 ? 1 : 0));
  assert.deepEqual(Array.from(extra.data.subarray(0, 64)), repaints);
  const latents = extra.data.subarray(64);
  assert.ok(
    latents.some((v, i) => v !== image.latents.data[i]),
    'the masked image encodes apart from the image',
  );
});

test("ComfyUI's InpaintModelConditioning: the same mask, and the grey-masked image's latents", async () => {
  const { image, mask, extra } = await extraFor('comfyui', 'InpaintModelConditioning');
  assert.deepEqual(Array.from(extra.data.subarray(0, 64)), Array.from(comfyConcatMask(mask!.latent)));
  const latents = Array.from(extra.data.subarray(64));
  assert.ok(
    latents.some((v, i) => v !== image.latents.data[i]),
    "not the run's own latents",
  );
  // With a black-and-white mask ComfyUI's grey (0 in [−1, 1]) and A1111's zeroed pixels are the same image.
  const a1111 = await extraFor('a1111');
  assert.deepEqual(latents, Array.from(a1111.extra.data.subarray(64)));
});

test("without a mask (image-to-image): a mask of ones, and each tool's masked image", async () => {
  const ones = Array.from({ length: 64 }, () => 1);
  // ComfyUI: its latent of a blank image, channel by channel (model_base.py blank_inpaint_image_like).
  const comfy = (await extraFor('comfyui', undefined, null)).extra;
  assert.deepEqual(comfy.shape, [1, 5, 8, 8]);
  assert.deepEqual(Array.from(comfy.data.subarray(0, 64)), ones);
  const blank = [0.8223, -0.6876, 0.6364, 0.138].flatMap((v) => Array.from({ length: 64 }, () => Math.fround(v)));
  assert.deepEqual(Array.from(comfy.data.subarray(64)), blank);
  // A1111: its dummy mask is the whole image masked, lerp(image, image·0, 1) = 0: a white mask's channels.
  const a1111 = (await extraFor('a1111', undefined, null)).extra;
  const white = { width: 64, height: 64, rgba: new Uint8Array(64 * 64 * 4).fill(255) };
  const whole = (await extraFor('a1111', undefined, white)).extra;
  assert.deepEqual(Array.from(a1111.data.subarray(0, 64)), ones);
  assert.deepEqual(Array.from(a1111.data), Array.from(whole.data));
});
