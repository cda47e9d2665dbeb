// The family fixtures' ONNX graphs give what the PyTorch modules they were exported from gave
// (<folder>.reference.json, written by scripts/make_family_models.py from the same fixed inputs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MODELS } from '../core/model/folderJson';
import { assertMatches, inputValues, readReference, REFERENCE_FOLDERS, type InputSpec } from './familyReference';

function feed(spec: InputSpec): ort.Tensor {
  const values = inputValues(spec);
  return spec.dtype === 'int64'
    ? new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(v)),
        spec.shape,
      )
    : new ort.Tensor('float32', Float32Array.from(values), spec.shape);
}

test('every family fixture has its PyTorch reference', () => {
  assert.ok(REFERENCE_FOLDERS.length >= 10, `only ${REFERENCE_FOLDERS.join(', ')}`);
});

for (const folder of REFERENCE_FOLDERS) {
  test(`${folder}: ONNX outputs match PyTorch's`, async () => {
    for (const [component, { inputs, outputs }] of Object.entries(readReference(folder).components)) {
      const s = await ort.InferenceSession.create(join(MODELS, folder, component, 'model.onnx'));
      const result = await s.run(Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, feed(spec)])));
      await s.release();
      for (const [name, expected] of Object.entries(outputs)) {
        assertMatches(result[name].data as Float32Array, result[name].dims, expected, `${folder} ${component} ${name}`);
      }
    }
  });
}
