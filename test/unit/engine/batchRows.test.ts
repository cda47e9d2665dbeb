import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowsPadded } from '../../../src/engine/batchRows';

test('rows for a fixed batch: a view when they fit, the last row repeated past the end', () => {
  const data = Float32Array.of(1, 2, 3, 4, 5, 6); // 3 rows of 2
  const view = rowsPadded(data, 2, 0, 2);
  assert.deepEqual([...view], [1, 2, 3, 4]);
  assert.equal(view.buffer, data.buffer);
  assert.deepEqual([...rowsPadded(data, 2, 2, 2)], [5, 6, 5, 6]);
  assert.deepEqual([...rowsPadded(Float64Array.of(7, 8), 2, 0, 1)], [7, 8]);
});
