import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import {
  MAX_FORWARD_SIDE,
  MAX_FORWARD_SOURCE_SIDE,
  readForwardImage,
} from '../../../../src/extension/forward/forwardImage';

test('PNG of any colour type and JPEG read as 8-bit RGBA', async () => {
  const rgb = await readForwardImage(
    encode({ width: 2, height: 1, data: new Uint8Array([10, 20, 30, 40, 50, 60]), channels: 3 }),
    'rgb.png',
  );
  assert.deepEqual([...rgb.rgba], [10, 20, 30, 255, 40, 50, 60, 255]);
  const grey = await readForwardImage(
    encode({ width: 2, height: 1, data: new Uint8Array([7, 200]), channels: 1 }),
    'grey.png',
  );
  assert.deepEqual([...grey.rgba], [7, 7, 7, 255, 200, 200, 200, 255]);
  const deep = encode({
    width: 1,
    height: 1,
    data: new Uint16Array([0xffff, 0x8000, 0x00ff, 0x1234]),
    channels: 4,
    depth: 16,
  });
  assert.deepEqual([...(await readForwardImage(deep, 'deep.png')).rgba], [255, 128, 0, 0x12]);
  assert.equal(rgb.original, undefined, 'a small image is not downsized');
  // A flat 16×16 JPEG: lossy, so within a few levels of its colour.
  const flat = new Uint8Array(16 * 16 * 4).map((_, i) => [200, 40, 90, 255][i % 4]);
  const jpeg = await readForwardImage(encodeJpeg({ width: 16, height: 16, data: flat }, 95).data, 'photo.jpg');
  assert.deepEqual([jpeg.width, jpeg.height], [16, 16]);
  assert.ok(
    [...jpeg.rgba.slice(0, 3)].every((v, c) => Math.abs(v - flat[c]) <= 4),
    `JPEG pixel ${[...jpeg.rgba.slice(0, 4)].join(',')}`,
  );
});

test('bad files get an error naming the file and the problem', async () => {
  await assert.rejects(() => readForwardImage(new Uint8Array(0), 'empty.png'), /empty\.png is empty/);
  await assert.rejects(
    () => readForwardImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]), 'cut.jpg'),
    /cut\.jpg could not be read/,
  );
  await assert.rejects(
    () => readForwardImage(new TextEncoder().encode('hello, world'), 'notes.png'),
    /notes\.png could not be read: not a PNG or JPEG/,
  );
  const cut = encode({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3), channels: 3 }).slice(0, 40);
  await assert.rejects(() => readForwardImage(cut, 'cut.png'), /cut\.png could not be read/);
});

test('a file whose header claims more than the view reads is refused before decoding', async () => {
  // A 1×1 PNG whose header then says 9000×1: refused on the header alone (its checksum is not even read).
  const forged = encode({ width: 1, height: 1, data: new Uint8Array(3), channels: 3 });
  new DataView(forged.buffer, forged.byteOffset).setUint32(16, MAX_FORWARD_SOURCE_SIDE + 808);
  await assert.rejects(
    () => readForwardImage(forged, 'huge.png'),
    /huge\.png could not be read: 9000x1 is larger than 8192 on a side/,
  );
});

test('a large file is downsized to MAX_FORWARD_SIDE (512) on its longest side, its own size on record', async () => {
  assert.equal(MAX_FORWARD_SIDE, 512);
  const big = encode({ width: 1030, height: 600, data: new Uint8Array(1030 * 600 * 3).fill(77), channels: 3 });
  const read = await readForwardImage(big, 'big.png');
  assert.deepEqual([read.width, read.height, read.original], [512, 298, { width: 1030, height: 600 }]);
  assert.ok(
    read.rgba.every((v, i) => v === (i % 4 === 3 ? 255 : 77)),
    'a flat image stays flat',
  );
});
