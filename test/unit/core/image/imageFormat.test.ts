import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { imageFormat } from '../../../../src/core/image/imageFormat';

test('PNG, JPEG and GIF files are told apart by their first bytes', () => {
  const png = encodePng({ width: 1, height: 1, channels: 3, depth: 8, data: new Uint8Array(3) });
  const jpeg = encodeJpeg({ width: 1, height: 1, data: Buffer.alloc(4) }, 90).data;
  assert.equal(imageFormat(png), 'png');
  assert.equal(imageFormat(new Uint8Array(jpeg)), 'jpeg');
  assert.equal(imageFormat(new TextEncoder().encode('GIF89a')), 'gif');
  // A text file renamed .png, a PNG's first bytes only, its signature alone, nothing.
  for (const bytes of [new TextEncoder().encode('hello'), png.slice(0, 4), png.slice(0, 8), new Uint8Array()])
    assert.equal(imageFormat(bytes), undefined);
});
