// The model hash covers the weights, external data included, so two exports of one architecture
// with different weights never share a hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelHash, readModelFolder } from '../../../src/modelFolder/modelFolder';
import { copyModel } from '../engine/fixtures';

test('the hash is SHA-256 over the UNet graph and its external data, and changes with the weights alone', () => {
  const dir = copyModel('tiny-sd-fp16');
  const unet = join(dir, 'unet');
  const expected = createHash('sha256')
    .update(readFileSync(join(unet, 'model.onnx')))
    .update(readFileSync(join(unet, 'model.onnx_data')))
    .digest('hex');
  assert.equal(modelHash(readModelFolder(dir)), expected);

  const data = readFileSync(join(unet, 'model.onnx_data'));
  data[data.length - 1] ^= 0xff;
  writeFileSync(join(unet, 'model.onnx_data'), data);
  const changed = modelHash(readModelFolder(dir));
  assert.notEqual(changed, expected, 'only the external weights changed, and the hash with them');
});
