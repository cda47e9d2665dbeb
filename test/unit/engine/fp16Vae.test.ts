// A float16 VAE decoder that overflows is reported with the reason and the fix; the float32 one decodes
// the same latents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeImages } from '../../../src/engine/decode';
import { sessions } from './loadedSessions';

// Latents far past what float16 holds once divided by the scaling factor (65504 is its largest value).
const latents = { data: new Float32Array(4 * 8 * 8).fill(6e4), shape: [1, 4, 8, 8] };

test('a float16 VAE that overflows to NaN says so and how to fix it; float32 decodes the same latents', async () => {
  await assert.rejects(decodeImages(await sessions('tiny-sd-fp16'), latents), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'NAN_OUTPUT');
    assert.match(e.message, /vae_decoder\/model\.onnx returned NaN or Inf: a float16 VAE overflows .*force_upcast/);
    assert.match(e.message, /export vae_decoder in float32, or use a VAE fixed for float16/);
    return true;
  });
  const { images } = await decodeImages(await sessions('tiny-sd'), latents);
  assert.equal(images.length, 1);
});
