import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillRect } from '../../../src/runs/fillRect';

const image = () => ({ width: 4, height: 3, rgba: new Uint8Array(4 * 3 * 4) });
/** "#" where a pixel is the colour (10, 20, 30, opaque), "." where untouched. */
const picture = (img: ReturnType<typeof image>) =>
  Array.from({ length: img.height }, (_, y) =>
    Array.from({ length: img.width }, (_, x) => {
      const p = [...img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];
      if (p.join() === '10,20,30,255') return '#';
      return p.join() === '0,0,0,0' ? '.' : '?';
    }).join(''),
  );

test('a rectangle is filled with the colour, opaque, clipped to the image', () => {
  const img = image();
  fillRect(img, -1, 1, 3, 5, [10, 20, 30]);
  assert.deepEqual(picture(img), ['....', '##..', '##..']);
  fillRect(img, 3, -2, 4, 3, [10, 20, 30]);
  assert.deepEqual(picture(img), ['...#', '##..', '##..']);
});

test('a rectangle wholly outside the image, or empty, changes nothing', () => {
  const img = image();
  fillRect(img, 4, 0, 2, 2, [10, 20, 30]);
  fillRect(img, 0, 0, 0, 3, [10, 20, 30]);
  fillRect(img, -3, 0, 2, 3, [10, 20, 30]);
  assert.deepEqual(picture(img), ['....', '....', '....']);
});
