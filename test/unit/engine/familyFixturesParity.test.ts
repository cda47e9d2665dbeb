// The family fixtures' ONNX graphs give what the PyTorch modules they were exported from gave
// (<folder>.reference.json, written by scripts/make_family_models.py from the same fixed inputs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MODELS } from '../core/model/folderJson';
import { session } from './onnxFolderFacts';

interface InputSpec {
  shape: number[];
  dtype: 'float32' | 'int64';
  wave?: number;
  values?: number[];
}
interface OutputStats {
  shape: number[];
  sum?: number;
  abs_sum?: number;
  first?: number[];
}
interface Reference {
  components: Record<string, { inputs: Record<string, InputSpec>; outputs: Record<string, OutputStats> }>;
}

function feed(spec: InputSpec): ort.Tensor {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const values = spec.values ?? Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + spec.wave!));
  return spec.dtype === 'int64'
    ? new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(v)),
        spec.shape,
      )
    : new ort.Tensor('float32', Float32Array.from(values), spec.shape);
}

function near(actual: number, expected: number, scale: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-4 * scale + 1e-5, `${what}: ${actual} vs PyTorch ${expected}`);
}

const SUFFIX = '.reference.json';
const folders = readdirSync(MODELS)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length));

test('every family fixture has its PyTorch reference', () => {
  assert.ok(folders.length >= 10, `only ${folders.join(', ')}`);
});

for (const folder of folders) {
  test(`${folder}: ONNX outputs match PyTorch's`, async () => {
    const reference = JSON.parse(readFileSync(join(MODELS, `${folder}.reference.json`), 'utf8')) as Reference;
    for (const [component, { inputs, outputs }] of Object.entries(reference.components)) {
      const s = await session(folder, component);
      const result = await s.run(Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, feed(spec)])));
      await s.release();
      for (const [name, expected] of Object.entries(outputs)) {
        const what = `${folder} ${component} ${name}`;
        assert.deepEqual(result[name].dims, expected.shape, what);
        if (expected.sum === undefined) continue; // sampled inside the graph (old VAE encoder): shape only
        const data = Array.from(result[name].data as Float32Array);
        const absSum = data.reduce((a, v) => a + Math.abs(v), 0);
        near(absSum, expected.abs_sum!, expected.abs_sum!, `${what} sum |x|`);
        near(
          data.reduce((a, v) => a + v, 0),
          expected.sum,
          expected.abs_sum!,
          `${what} sum`,
        );
        expected.first!.forEach((v, i) => near(data[i], v, Math.abs(v) + 1, `${what}[${i}]`));
      }
    }
  });
}
