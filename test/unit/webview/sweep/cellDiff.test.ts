import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIFF_GAIN, pixelDiff } from '../../../../webview/sweep/cellDiff';

const image = (rgb: number[][]) => ({
  width: rgb.length,
  height: 1,
  data: new Uint8Array(rgb.flatMap((p) => [...p, 255])),
});

test('the difference of two cells: amplified picture, RMS and largest over RGB', () => {
  const diff = pixelDiff(
    image([
      [10, 10, 10],
      [0, 0, 0],
    ]),
    image([
      [13, 10, 10],
      [0, 0, 255],
    ]),
  );
  assert.ok(!('error' in diff));
  assert.deepEqual([...diff.image.data], [3 * DIFF_GAIN, 0, 0, 255, 0, 0, 255, 255]);
  assert.equal(diff.max, 255);
  assert.equal(diff.rms, Math.sqrt((9 + 255 * 255) / 6));
  assert.deepEqual(
    pixelDiff(
      image([[1, 1, 1]]),
      image([
        [1, 1, 1],
        [1, 1, 1],
      ]),
    ),
    {
      error: 'the cells differ in size (1×1 and 2×1)',
    },
  );
});
