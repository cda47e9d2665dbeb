// A float16 VAE decoder that overflows is reported with the reason and the fix; the float32 one decodes
// the same latents.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import { loadSessions, type ModelSessions } from '../../../src/engine/modelSessions';
import { decodeImages } from '../../../src/engine/decode';
import { model } from './fixtures';

const loaded: ModelSessions[] = [];
after(() => Promise.all(loaded.map((s) => Promise.all([s.unet, s.textEncoder, s.vaeDecoder].map((m) => m?.release())))));

async function sessions(folder: string): Promise<ModelSessions> {
  const s = await loadSessions(readModelFolder(model(folder)), 'cpu');
  loaded.push(s);
  return s;
}

// Latents far past what float16 holds once divided by the scaling factor (65504 is its largest value).
const latents = { data: new Float32Array(4 * 8 * 8).fill(6e4), shape: [1, 4, 8, 8] };

test('a float16 VAE that overflows to NaN says so and how to fix it; float32 decodes the same latents', async () => {
  await assert.rejects(decodeImages(await sessions('tiny-sd-fp16'), latents), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'NAN_OUTPUT');
    assert.match(e.message, /vae_decoder\/model\.onnx returned NaN or Inf: a float16 VAE overflows .*force_upcast.*export vae_decoder in float32/);
    return true;
  });
  const { images } = await decodeImages(await sessions('tiny-sd'), latents);
  assert.equal(images.length, 1);
});
