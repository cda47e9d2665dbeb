import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineFailure, toPayload } from '../../../src/engine/engineFailure';

test('engine failures keep their code and details; allocation failures become OUT_OF_MEMORY', () => {
  assert.deepEqual(toPayload(new EngineFailure('NAN_OUTPUT', 'nan at step 3', { step: 2 })), {
    code: 'NAN_OUTPUT',
    message: 'nan at step 3',
    step: 2,
  });
  const ort = new Error(
    'unet/model.onnx failed on sample [2, 4, 512, 512]: Failed to allocate memory for requested buffer of size 1073741824',
  );
  const oom = toPayload(ort);
  assert.equal(oom.code, 'OUT_OF_MEMORY');
  assert.match(oom.message, /not enough memory .*smaller size or batch/);
  assert.equal(toPayload(new RangeError('Array buffer allocation failed')).code, 'OUT_OF_MEMORY');
  assert.deepEqual(toPayload(new Error('something else')), { code: 'INTERNAL', message: 'something else' });
});
