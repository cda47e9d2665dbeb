import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numel, tensor } from '../../../src/core/tensor/tensor';

test('tensor rejects data that does not fit its shape', () => {
  assert.throws(() => tensor(new Float32Array(5), [2, 3]), /6/);
  assert.equal(numel([2, 4, 8, 8]), 512);
});
