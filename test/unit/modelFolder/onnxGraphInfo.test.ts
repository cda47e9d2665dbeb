// The protobuf reader against onnxruntime's own metadata, on every fixture graph: same names, element
// types and shapes, and external weights named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readOnnxGraphInfo } from '../../../src/modelFolder/onnxGraphInfo';
import { copyModel, MODELS } from '../engine/fixtures';

function graphs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return graphs(path);
    return name.endsWith('.onnx') ? [path] : [];
  });
}

const metadata = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
  list.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );

test('every fixture graph reads as onnxruntime sees it', async () => {
  const files = graphs(MODELS);
  assert.ok(files.length > 40, `${files.length} graphs`);
  for (const file of files) {
    const info = readOnnxGraphInfo(file);
    const session = await ort.InferenceSession.create(file);
    assert.deepEqual(info.inputs, metadata(session.inputMetadata), `${file} inputs`);
    // onnxruntime infers output sizes from fixed inputs (a text encoder's 77); the file declares the
    // axis by name. Names, types and ranks agree; a size either agrees or is the file's name for it.
    const ortOutputs = metadata(session.outputMetadata);
    assert.deepEqual(
      info.outputs.map((o) => [o.name, o.type, o.shape.length]),
      ortOutputs.map((o) => [o.name, o.type, o.shape.length]),
      file,
    );
    info.outputs.forEach((o, i) =>
      o.shape.forEach((d, k) =>
        assert.ok(d === ortOutputs[i].shape[k] || typeof d === 'string', `${file} ${o.name}[${k}]: ${d}`),
      ),
    );
    assert.ok(info.opset !== undefined && info.opset >= 7, `${file} opset ${info.opset}`);
    await session.release();
  }
});

test('external weights are named, and a file that is not ONNX is refused naming it', () => {
  const fp16 = readOnnxGraphInfo(join(MODELS, 'tiny-sd-fp16', 'unet', 'model.onnx'));
  assert.deepEqual(fp16.externalData, ['model.onnx_data']);
  assert.ok(existsSync(join(MODELS, 'tiny-sd-legacy', 'unet', 'weights.pb')));
  assert.deepEqual(readOnnxGraphInfo(join(MODELS, 'tiny-sd-legacy', 'unet', 'model.onnx')).externalData, [
    'weights.pb',
  ]);
  const bad = join(copyModel('tiny-sd'), 'unet', 'model.onnx');
  writeFileSync(bad, '{"this is": "json"}');
  assert.throws(() => readOnnxGraphInfo(bad), /model\.onnx is not a readable ONNX model/);
});
