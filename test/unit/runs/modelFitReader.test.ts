// A model folder's fit read from disk for a sweep's checks (src/runs/modelFitReader.ts): the fixture
// families' graphs, a folder that cannot run, and a folder changed on disk read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelFit } from '../../../src/protocol/modelFit';
import { modelFitReader } from '../../../src/runs/modelFitReader';

const MODELS = join(__dirname, '..', '..', 'fixtures', 'models');
const read = modelFitReader(MODELS);
const fitOf = (name: string): ModelFit => {
  const fit = read(name);
  if (typeof fit === 'string') assert.fail(`${name}: ${fit}`);
  return fit;
};
/** Why a folder cannot run (fails where it can). */
const why = (name: string): string => {
  const fit = read(name);
  if (typeof fit !== 'string') assert.fail(`${name} reads as a model`);
  return fit;
};

test("the fixtures' graphs give their fixed sizes, inpainting channels and time_ids", () => {
  const sd = fitOf('tiny-sd');
  assert.deepEqual([sd.name, sd.family, sd.vaeScale], ['tiny-sd', 'sd1', 8]);
  assert.deepEqual([sd.fixedLatent.height, sd.fixedLatent.width], [undefined, undefined]);
  assert.equal(sd.inpaintingChannels, undefined);
  assert.equal(sd.timeIds, false);
  const fixed = fitOf('tiny-sd-static');
  assert.deepEqual(fixed.fixedLatent, { height: 8, width: 8 });
  assert.deepEqual(fixed.recommended, { width: 64, height: 64 });
  assert.equal(fitOf('tiny-sd-inpaint').inpaintingChannels, 9);
  assert.equal(fitOf('tiny-sdxl').timeIds, true);
});

test('a folder that cannot run says why: missing, not a folder, an SDXL refiner as the model', () => {
  assert.match(why('no-such-model'), /^model folder .*no-such-model does not exist$/);
  assert.match(why('README.md'), /README\.md is a file, not a model folder/);
  assert.match(why('tiny-sdxl-refiner'), /tiny-sdxl-refiner\/unet\/model\.onnx: an SDXL refiner .* runs only as/);
});

test('a folder changed on disk is read again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-fit-'));
  cpSync(join(MODELS, 'tiny-sd'), join(dir, 'm'), { recursive: true });
  assert.equal((modelFitReader(dir)('m') as ModelFit).vaeScale, 8);
  const config = join(dir, 'm', 'vae_decoder', 'config.json');
  const vae = JSON.parse(readFileSync(config, 'utf8'));
  writeFileSync(config, JSON.stringify({ ...vae, block_out_channels: vae.block_out_channels.slice(1) }));
  assert.equal((modelFitReader(dir)('m') as ModelFit).vaeScale, 4, 'a new reading (the next keystroke)');
});

test('a FIFO for a graph is refused rather than opened, which would block the host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-fit-fifo-'));
  cpSync(join(MODELS, 'tiny-sd'), join(dir, 'm'), { recursive: true });
  mkdirSync(join(dir, 'm', 'vae_encoder'), { recursive: true });
  execFileSync('mkfifo', [join(dir, 'm', 'vae_encoder', 'model.onnx')]);
  // In a child process: a regression blocks in open(2), which no test timeout can interrupt.
  const reader = join(__dirname, '..', '..', '..', 'src', 'runs', 'modelFitReader.ts');
  const code = `console.log(require(${JSON.stringify(reader)}).modelFitReader(${JSON.stringify(dir)})('m'))`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.signal, null, 'reading the folder did not return');
  assert.match(child.stdout, /vae_encoder\/model\.onnx is not a regular file/);
});

test('a path on the way to a model folder ("/") is refused for its missing UNet', () => {
  assert.match(why('/'), /^missing \/unet\/model\.onnx$/);
});
