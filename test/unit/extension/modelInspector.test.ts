// The inspector's report, from the files alone, on the family fixtures and a folder with problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModelReport } from '../../../src/extension/modelInspector/modelReport';
import { isFromModelInspector } from '../../../src/protocol/modelInspector';
import { copyModel, MODELS } from '../engine/fixtures';

test('an SDXL folder: family, both text encoders, the UNet extra inputs, sizes', () => {
  const r = buildModelReport(join(MODELS, 'tiny-sdxl'));
  assert.equal(r.family, 'sdxl');
  const folders = r.components.map((c) => c.folder);
  for (const f of ['text_encoder', 'text_encoder_2', 'tokenizer_2', 'unet', 'vae_decoder', 'vae_encoder', 'scheduler'])
    assert.ok(folders.includes(f), f);
  const unet = r.components.find((c) => c.folder === 'unet')!.graph!;
  assert.deepEqual(unet.inputs.map((t) => t.name).sort(), [
    'encoder_hidden_states',
    'sample',
    'text_embeds',
    'time_ids',
    'timestep',
  ]);
  assert.equal(unet.precision, 'float32');
  assert.ok(unet.opset! >= 14 && unet.bytes > 1000);
  assert.ok(r.totalBytes > unet.bytes);
});

test('missing external weights and a missing tokenizer_2 are reported', () => {
  const fp16 = copyModel('tiny-sd-fp16');
  rmSync(join(fp16, 'unet', 'model.onnx_data'));
  const unet = buildModelReport(fp16).components.find((c) => c.folder === 'unet')!.graph!;
  assert.equal(unet.precision, 'float16');
  assert.deepEqual(unet.externalData, [{ file: 'model.onnx_data', bytes: undefined }]);

  const sdxl = copyModel('tiny-sdxl');
  rmSync(join(sdxl, 'tokenizer_2'), { recursive: true });
  const r = buildModelReport(sdxl);
  assert.ok(
    r.findings.some((f) => /tokenizer_2/.test(f.message)),
    JSON.stringify(r.findings),
  );
});

test('a graph that is not ONNX is named in its component, not fatal to the report', () => {
  const dir = copyModel('tiny-sd');
  rmSync(join(dir, 'unet', 'model.onnx'));
  writeFileSync(join(dir, 'unet', 'model.onnx'), 'not onnx');
  const unet = buildModelReport(dir).components.find((c) => c.folder === 'unet')!;
  assert.match(unet.graphError ?? '', /not a readable ONNX model/);
});

test('the host accepts only the inspector messages it knows', () => {
  assert.ok(isFromModelInspector({ type: 'ready' }) && isFromModelInspector({ type: 'refresh' }));
  assert.ok(!isFromModelInspector({ type: 'openFile', path: '/etc/passwd' }) && !isFromModelInspector(null));
});
