// A1111's mask blur against its own lines run with OpenCV (gen_kdiffusion_fixtures.py `maskBlur`: the
// cv2.GaussianBlur calls of StableDiffusionProcessingImg2Img.init on binary masks, a half, a disc and one
// smaller than the kernel, at σ 1, 2.5, 4 and 9): every byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { a1111MaskBlur } from '../../../../src/core/image/maskBlur';
import { loadFixture } from '../kdiffusion/fixtures';

const { maskBlur } = loadFixture('a1111');

test("the blur is A1111's cv2.GaussianBlur calls, byte for byte", () => {
  assert.equal(maskBlur.cases.length, 12);
  for (const c of maskBlur.cases) {
    const out = a1111MaskBlur(Uint8Array.from(c.in), c.width, c.height, c.blur);
    assert.deepEqual(Array.from(out), c.out, `${c.mask} ${c.width}×${c.height} at σ ${c.blur}`);
  }
});

test('the blur keeps a uniform mask and stays within the mask’s range', () => {
  const white = new Uint8Array(6 * 4).fill(255);
  assert.deepEqual(Array.from(a1111MaskBlur(white, 6, 4, 3)), Array.from(white));
  const dot = new Uint8Array(9 * 9);
  dot[40] = 255;
  const out = a1111MaskBlur(dot, 9, 9, 1);
  assert.ok(
    out[40] < 255 && out[40] > out[41] && out[41] > 0,
    `a dot spreads: ${Array.from(out.slice(36, 45)).join(' ')}`,
  );
});
