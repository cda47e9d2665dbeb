// A table of broken model folders: each run ends in MODEL_INVALID naming the file (and key) at fault,
// never a garbage image, a hang or a dead engine. Graphs from scripts/make_broken_models.py.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineError } from '../../../src/runs/engineClient';
import { copyModel, MODELS, request, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

type Breakage = (dir: string) => void;

const swapIn =
  (graph: string, component: string): Breakage =>
  (dir) =>
    cpSync(join(MODELS, 'broken-graphs', `${graph}.onnx`), join(dir, component, 'model.onnx'));
const editJson =
  (file: string, change: (v: Record<string, unknown>) => void): Breakage =>
  (dir) => {
    const path = join(dir, file);
    const value = JSON.parse(readFileSync(path, 'utf8'));
    change(value);
    writeFileSync(path, JSON.stringify(value));
  };
const replaceFile =
  (file: string, text: string): Breakage =>
  (dir) =>
    writeFileSync(join(dir, file), text);

const cases: [string, Breakage, RegExp][] = [
  [
    'a UNet returning half the channels',
    swapIn('unet-half-channels', 'unet'),
    /unet\/model\.onnx returned out_sample of shape 1×2×8×8, not the 1×4×8×8/,
  ],
  [
    'a UNet returning twice the height',
    swapIn('unet-double-height', 'unet'),
    /unet\/model\.onnx returned out_sample of shape 1×4×16×8/,
  ],
  [
    'a VAE decoder returning one channel',
    swapIn('vae-one-channel', 'vae_decoder'),
    /vae_decoder.*returned shape 1×1×8×8, not 1×3×H×W/,
  ],
  [
    'UNet sample_size 0',
    editJson('unet/config.json', (c) => (c.sample_size = 0)),
    /unet\/config\.json: "sample_size" must be a whole number from 1 to 1024, not 0/,
  ],
  [
    'UNet sample_size 7.5',
    editJson('unet/config.json', (c) => (c.sample_size = 7.5)),
    /"sample_size" must be a whole number/,
  ],
  [
    '100 VAE levels',
    editJson('vae_decoder/config.json', (c) => (c.block_out_channels = Array(100).fill(4))),
    /vae_decoder\/config\.json: "block_out_channels" must be a list of 1 to 7/,
  ],
  [
    'scaling_factor 0',
    editJson('vae_decoder/config.json', (c) => (c.scaling_factor = 0)),
    /"scaling_factor" must be a positive number/,
  ],
  [
    'scaling_factor as text',
    editJson('vae_decoder/config.json', (c) => (c.scaling_factor = 'big')),
    /"scaling_factor" must be a positive number .* not "big"/,
  ],
  ['model_index.json a list', replaceFile('model_index.json', '[1, 2]'), /model_index\.json is not a JSON object/],
  [
    'scheduler config not JSON',
    replaceFile('scheduler/scheduler_config.json', '{"_class_name": '),
    /scheduler_config\.json is not valid JSON/,
  ],
  [
    'a folder where unet/model.onnx should be',
    (dir) => {
      rmSync(join(dir, 'unet', 'model.onnx'));
      cpSync(join(dir, 'tokenizer'), join(dir, 'unet', 'model.onnx'), { recursive: true });
    },
    /unet\/model\.onnx is not a regular file/,
  ],
  [
    'a FIFO as the scheduler config',
    (dir) => {
      const path = join(dir, 'scheduler', 'scheduler_config.json');
      rmSync(path);
      execFileSync('mkfifo', [path]);
    },
    /scheduler_config\.json is not a regular file/,
  ],
];

for (const [what, breakIt, message] of cases) {
  test(`${what}: refused naming the file`, async () => {
    const dir = copyModel('tiny-sd');
    breakIt(dir);
    await assert.rejects(
      engine.generate(request({ modelDir: dir, steps: 2, width: 64, height: 64 })),
      (e: EngineError) => {
        assert.equal(e.code, 'MODEL_INVALID', e.message);
        assert.match(e.message, message);
        return true;
      },
    );
  });
}

test('the engine still serves a good folder after every broken one', async () => {
  const r = await engine.generate(request({ steps: 2 }));
  assert.equal(r.images.length, 1);
});
