import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ForwardProcessView } from '../../../../src/core/forward/forwardView';
import { noiseLevel } from '../../../../src/core/forward/noiseLevel';
import { rgbaToTensor, tensorToRgba } from '../../../../webview/forward/pixels';
import { clampInt, restoreForwardState } from '../../../../webview/forward/viewState';

test('RGBA → [3, H, W] in [−1, 1] → RGBA is the identity on 8-bit colour; alpha is dropped and drawn opaque', () => {
  const rgba = new Uint8Array([0, 128, 255, 10, 1, 2, 254, 200]);
  const tensor = rgbaToTensor(rgba, 2, 1);
  assert.deepEqual(tensor.shape, [3, 1, 2]);
  assert.deepEqual(
    [...tensor.data].map((v) => Math.round(v * 1000) / 1000),
    [-1, -0.992, 0.004, -0.984, 1, 0.992],
  );
  const out = new Uint8ClampedArray(8);
  tensorToRgba(tensor.data as Float32Array, out);
  assert.deepEqual([...out], [0, 128, 255, 255, 1, 2, 254, 255]);
});

test('x_t beyond [−1, 1] is clipped, and ᾱ = 1 draws the image itself', () => {
  const out = new Uint8ClampedArray(4);
  tensorToRgba(new Float32Array([-3, 2.5, 0]), out);
  assert.deepEqual([...out], [0, 255, 128, 255]);
  const image = rgbaToTensor(new Uint8Array([200, 100, 50, 255]), 1, 1);
  tensorToRgba(new ForwardProcessView(image, 7).render(noiseLevel(1)), out);
  assert.deepEqual([...out], [200, 100, 50, 255]);
});

test('a stored view state is accepted field by field', () => {
  assert.deepEqual(
    restoreForwardState({ t: 981.4, seed: -5, sampler: 'EulerDiscreteScheduler', spacing: 'sideways', steps: '30' }),
    {
      t: 981,
      seed: 0,
      sampler: 'EulerDiscreteScheduler',
      spacing: '',
      steps: 30,
      space: 'pixel',
    },
  );
  assert.equal(restoreForwardState({ space: 'latent' }).space, 'latent');
  assert.equal(restoreForwardState({ space: 'ink' }).space, 'pixel');
  assert.deepEqual(restoreForwardState(null), restoreForwardState({}));
  assert.equal(clampInt('', 0, 9, 4), 4);
  assert.equal(clampInt(1e12, 0, 2 ** 32 - 1, 0), 2 ** 32 - 1);
});
