import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latentToRgba, SD1_LATENT_RGB } from '../../../src/core/image/latentPreview';
import { nchwToRgba } from '../../../src/core/image/rgba';

test('NCHW [-1, 1] images become RGBA, per batch index, clamped', () => {
  // Batch of 2, 3 channels, 1x2 pixels.
  const data = Float32Array.of(-1, 1, 0, 0.5, 2, -3, /* image 1 */ 1, 1, 1, 1, 1, 1);
  assert.deepEqual([...nchwToRgba(data, [2, 3, 1, 2], 0).rgba], [0, 128, 255, 255, 255, 191, 0, 255]);
  assert.deepEqual([...nchwToRgba(data, [2, 3, 1, 2], 1).rgba], [255, 255, 255, 255, 255, 255, 255, 255]);
  assert.deepEqual([...nchwToRgba(Float32Array.of(0.5), [1, 1, 1, 1], 0, 'unit').rgba], [128, 128, 128, 255]);
});

test('the SD 1.x latent→RGB map applies the published factors then (x+1)/2', () => {
  const latent = Float32Array.of(1, 0, 0, 1); // channels 0 and 3 set, one pixel
  const { rgba, width } = latentToRgba(latent, [1, 4, 1, 1], SD1_LATENT_RGB);
  assert.equal(width, 1);
  const expect = [0.3512 - 0.212, 0.2297 - 0.2616, 0.3227 - 0.7177].map((v) => Math.round(((v + 1) / 2) * 255));
  assert.deepEqual([...rgba], [...expect, 255]);
  assert.throws(
    () => latentToRgba(new Float32Array(3), [1, 3, 1, 1], SD1_LATENT_RGB),
    /4 rows but the latent has 3 channels/,
  );
});
