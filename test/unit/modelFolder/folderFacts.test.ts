// Facts read from the files alone (no onnxruntime) tell each family exactly as the engine's session
// metadata does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { recognizeModelFamily } from '../../../src/core/model/modelFamily';
import { folderFacts } from '../../../src/modelFolder/folderFacts';
import { MODELS } from '../engine/fixtures';
import { onnxFolderFacts } from '../engine/onnxFolderFacts';

const FAMILIES = [
  'tiny-sd15',
  'tiny-sd15-o122',
  'tiny-sdxl',
  'tiny-sdxl-o122',
  'tiny-sdxl-turbo',
  'tiny-sd-turbo',
  'tiny-lcm',
  'tiny-lcm-o122',
  'tiny-sd2-v',
  'tiny-sd-inpaint',
  'tiny-sdxl-refiner',
];

for (const name of FAMILIES) {
  test(`${name}: the same family, generation and findings from the files as from onnxruntime`, async () => {
    const fromFiles = recognizeModelFamily(folderFacts(join(MODELS, name)).facts);
    const fromSessions = recognizeModelFamily(await onnxFolderFacts(name));
    assert.equal(fromFiles.family, fromSessions.family);
    assert.equal(fromFiles.optimumGeneration, fromSessions.optimumGeneration);
    assert.deepEqual(
      fromFiles.findings.map((f) => f.code),
      fromSessions.findings.map((f) => f.code),
    );
  });
}
