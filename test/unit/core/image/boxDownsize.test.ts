// The box-filter downsizing of large images for views (src/core/image/boxDownsize.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsize, fittedSize } from '../../../../src/core/image/boxDownsize';

test('the size rule: the longest side is scaled to the limit, each side rounded, smaller images kept', () => {
  assert.deepEqual(fittedSize(512, 300, 512), { width: 512, height: 300 });
  assert.deepEqual(fittedSize(1024, 768, 512), { width: 512, height: 384 });
  assert.deepEqual(fittedSize(768, 1000, 512), { width: 393, height: 512 }); // 768·0.512 = 393.2
  assert.deepEqual(fittedSize(5000, 3, 512), { width: 512, height: 1 }); // never 0 px
});

test("downsizing averages each output pixel's footprint (box filter)", () => {
  // 4×2 → 2×1: each output pixel is the mean of a 2×2 block.
  const rgba = new Uint8Array([
    0, 0, 0, 255, 100, 0, 0, 255, 10, 10, 10, 255, 10, 10, 10, 255, 200, 0, 0, 255, 0, 0, 0, 255, 30, 30, 30, 255, 30,
    31, 30, 255,
  ]);
  const small = downsize({ width: 4, height: 2, rgba }, 2);
  assert.deepEqual(small.width, 2);
  assert.deepEqual(small.height, 1);
  assert.deepEqual([...small.rgba], [75, 0, 0, 255, 20, 20, 20, 255]);
});

test('uneven footprints: each output pixel averages the source pixels whose centres it covers', () => {
  // 5×1 → 2×1: columns 0-1 (floor(0·2.5) to floor(2.5)) and 2-4.
  const rgba = new Uint8Array(5 * 4).map((_, i) => (i % 4 === 3 ? 255 : [10, 20, 30, 40, 50][i >> 2]));
  const small = downsize({ width: 5, height: 1, rgba }, 2);
  assert.deepEqual([...small.rgba], [15, 15, 15, 255, 40, 40, 40, 255]);
  // 3×7 → 1×2 (7/3.5): rows 0-2 and 3-6, all three columns each.
  const tall = new Uint8Array(3 * 7 * 4).map((_, i) => (i % 4 === 3 ? 255 : Math.floor(i / 12) * 10));
  const two = downsize({ width: 3, height: 7, rgba: tall }, 2);
  assert.deepEqual([two.width, two.height], [1, 2]);
  assert.deepEqual([two.rgba[0], two.rgba[4]], [10, 45]);
});
