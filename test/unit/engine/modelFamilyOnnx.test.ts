// Each fixture folder's family and Optimum generation, recognised from its graphs as onnxruntime reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recognizeModelFamily } from '../../../src/core/model/modelFamily';
import { onnxFolderFacts } from './onnxFolderFacts';

const EXPECTED: Record<string, [family: string, generation: string]> = {
  'tiny-sd15': ['sd1', 'optimum>=1.24'],
  'tiny-sd15-o122': ['sd1', 'optimum<=1.22'],
  'tiny-sdxl': ['sdxl', 'optimum>=1.24'],
  'tiny-sdxl-o122': ['sdxl', 'optimum<=1.22'],
  'tiny-sdxl-turbo': ['sdxl-turbo', 'optimum>=1.24'],
  'tiny-sd-turbo': ['sd-turbo', 'optimum>=1.24'],
  'tiny-lcm': ['lcm', 'optimum>=1.24'],
  'tiny-lcm-o122': ['lcm', 'optimum<=1.22'],
  'tiny-sd2-v': ['sd2-v', 'optimum>=1.24'],
  'tiny-sd-inpaint': ['inpaint', 'optimum>=1.24'],
  'tiny-sdxl-refiner': ['sdxl-refiner', 'optimum>=1.24'],
  // The hand-made variants of scripts/make_test_models.py.
  'tiny-sd': ['sd1', 'optimum>=1.24'],
  'tiny-sd-legacy': ['sd1', 'diffusers-script'],
  'tiny-sd-int64t': ['sd1', 'optimum<=1.22'],
  'tiny-ddpm': ['unconditional', 'optimum>=1.24'],
};

for (const [folder, [family, generation]] of Object.entries(EXPECTED)) {
  test(`${folder}: ${family}, ${generation}, from the ONNX graphs`, async () => {
    const report = recognizeModelFamily(await onnxFolderFacts(folder));
    assert.equal(report.family, family, report.evidence.join('; '));
    assert.equal(report.optimumGeneration, generation, report.evidence.join('; '));
    assert.deepEqual(
      report.findings.filter((f) => f.severity !== 'info' && f.code !== 'inpaint-unet'),
      [],
    );
  });
}

test('graphs alone, without any config, still tell SDXL, LCM and the Optimum generation', async () => {
  for (const [folder, family] of [
    ['tiny-sdxl-o122', 'sdxl'],
    ['tiny-lcm', 'lcm'],
  ]) {
    const facts = await onnxFolderFacts(folder);
    const report = recognizeModelFamily({ ...facts, configs: {}, modelIndex: undefined });
    assert.equal(report.family, family);
    assert.equal(report.optimumGeneration, EXPECTED[folder][1]);
  }
});

test('tiny-sd-fp16: a float16 VAE decoder without force_upcast false is warned about', async () => {
  const report = recognizeModelFamily(await onnxFolderFacts('tiny-sd-fp16'));
  assert.equal(report.family, 'sd1');
  assert.deepEqual(
    report.findings.map((f) => f.code),
    ['fp16-vae-overflow'],
  );
});
