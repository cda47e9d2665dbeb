import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'fast-png';
import { thumbnailPng } from '../../../../src/extension/workbench/thumbnail';

test('a large image becomes a box-averaged thumbnail of at most 128 pixels a side', () => {
  const width = 512;
  const height = 256;
  // Left half black, right half white: the averaged thumbnail keeps the split.
  const rgba = new Uint8Array(width * height * 4).map((_, i) =>
    i % 4 === 3 ? 255 : (i / 4) % width >= width / 2 ? 255 : 0,
  );
  const thumb = decode(thumbnailPng({ width, height, rgba }));
  assert.deepEqual([thumb.width, thumb.height], [128, 64]);
  assert.equal(thumb.data[0], 0);
  assert.equal(thumb.data[127 * 4], 255);
  assert.equal(thumb.data[3], 255);
});

test('a small image keeps its size and pixels', () => {
  const rgba = Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 255]);
  const thumb = decode(thumbnailPng({ width: 2, height: 1, rgba }));
  assert.deepEqual([thumb.width, thumb.height], [2, 1]);
  assert.deepEqual([...thumb.data], [...rgba]);
});
