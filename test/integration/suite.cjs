// Runs inside VS Code's extension host (see run.mjs). Writes one result per test to the file
// named by DIFFUSION_LAB_INTEGRATION_RESULTS; run() rejects when any test failed.
const assert = require('node:assert/strict');
const { writeFileSync } = require('node:fs');
const vscode = require('vscode');

const EXTENSION_ID = 'diffusion-lab.diffusion-lab';

const tests = [
  [
    'the extension activates',
    async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not installed`);
      const started = performance.now();
      await extension.activate();
      assert.equal(extension.isActive, true);
      return `activate() took ${(performance.now() - started).toFixed(0)} ms`;
    },
  ],
  [
    'diffusionLab.generate is registered',
    async () => {
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes('diffusionLab.generate'));
    },
  ],
  [
    'diffusionLab.generate makes an image on the test model',
    async () => {
      const started = performance.now();
      const result = await vscode.commands.executeCommand('diffusionLab.generate', { prompt: 'a red circle' });
      assert.ok(result, 'the command returned no result (see the Diffusion Lab log)');
      const [image] = result.images;
      assert.equal(image.rgba.length, image.width * image.height * 4);
      assert.ok(new Set(image.rgba).size > 1, 'the image is uniform');
      assert.deepEqual([...image.png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
      return `${image.width}×${image.height} in ${(performance.now() - started).toFixed(0)} ms`;
    },
  ],
  [
    'a bad argument is reported, not thrown',
    async () => {
      const result = await vscode.commands.executeCommand('diffusionLab.generate', { prompt: 42 });
      assert.equal(result, undefined);
    },
  ],
];

exports.run = async function run() {
  const results = [];
  for (const [name, fn] of tests) {
    try {
      const detail = await fn();
      results.push({ name, ok: true, detail });
    } catch (error) {
      results.push({ name, ok: false, detail: String(error && error.message ? error.message : error) });
    }
  }
  writeFileSync(process.env.DIFFUSION_LAB_INTEGRATION_RESULTS, JSON.stringify(results));
  if (results.some((r) => !r.ok)) throw new Error('integration tests failed');
};
