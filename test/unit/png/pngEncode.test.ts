import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'fast-png';
import { encodeRgbaPng } from '../../../src/png/pngEncode';

test('an RGBA PNG that another decoder (fast-png) reads back to the same pixels', () => {
  const [width, height] = [5, 3];
  // Values that wrap when the Up filter subtracts the row above.
  const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 97 + 13) % 256);
  // Also from bytes that do not start on a 4-byte boundary of their buffer.
  const offset = new Uint8Array(rgba.length + 1).fill(255);
  offset.set(rgba, 1);
  for (const pixels of [rgba, offset.subarray(1)]) {
    const png = decode(encodeRgbaPng(width, height, pixels));
    assert.deepEqual([png.width, png.height, png.channels, png.depth], [width, height, 4, 8]);
    assert.deepEqual([...png.data], [...rgba]);
  }
});

test('pixels that are not width × height RGBA are refused', () => {
  assert.throws(() => encodeRgbaPng(2, 2, new Uint8Array(15)), /15 bytes are not 2×2 RGBA/);
});
