// The shipped default model: a complete Stable Diffusion ONNX folder within the size budget, whose
// components have the inputs and outputs the engine feeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import { loadSessions } from '../../../src/engine/modelSessions';
import { createScheduler } from '../../../src/core/samplers/registry';

const dir = defaultModelDir();
const MAX_BYTES = 12 * 1024 * 1024;

function folderBytes(d: string): number {
  return readdirSync(d).reduce((sum, name) => {
    const p = join(d, name);
    return sum + (statSync(p).isDirectory() ? folderBytes(p) : statSync(p).size);
  }, 0);
}

test('the default model folder has every Stable Diffusion component and fits in 12 MB', () => {
  for (const f of ['model_index.json', 'scheduler/scheduler_config.json', 'tokenizer/tokenizer.json', 'tokenizer/tokenizer_config.json',
    'text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx', 'vae_decoder/config.json', 'vae_encoder/model.onnx',
    'MODEL_CARD.md', 'samples.png']) {
    assert.ok(statSync(join(dir, f)).size > 0, f);
  }
  assert.ok(folderBytes(dir) <= MAX_BYTES, `${folderBytes(dir)} bytes`);
  const png = readFileSync(join(dir, 'samples.png'));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
});

test('its VAE config carries the scaling factor and its scheduler config builds a DDIM scheduler', () => {
  const folder = readModelFolder(dir);
  assert.equal(folder.kind, 'text2img');
  const vae = JSON.parse(readFileSync(join(dir, 'vae_decoder', 'config.json'), 'utf8'));
  assert.equal(folder.scalingFactor, vae.scaling_factor);
  assert.ok(vae.scaling_factor > 0 && Number.isFinite(vae.scaling_factor));
  const { scheduler, findings } = createScheduler(folder.schedulerConfig, {});
  assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
  assert.equal(scheduler?.className, 'DDIMScheduler');
});

test('its ONNX components load on the CPU with the I/O of an SD export at 64x64', async () => {
  const folder = readModelFolder(dir);
  const side = 64 / folder.vaeScale; // the latent side the VAE config's block count implies
  const s = await loadSessions(folder, 'cpu');
  assert.equal(s.provider, 'cpu');
  const text = s.textEncoder!.input('input_ids');
  assert.equal(text.type, 'int64');
  assert.equal(text.shape[1], s.tokenizer!.length);
  const sample = s.unet.input('sample');
  assert.deepEqual(sample.shape.slice(1), [4, side, side]);
  const hidden = s.unet.input('encoder_hidden_states');
  assert.equal(hidden.shape[1], s.tokenizer!.length);
  const out = await s.vaeDecoder!.run({ latent_sample: { data: new Float32Array(4 * side * side), dims: [1, 4, side, side] } });
  assert.deepEqual(out.sample.dims, [1, 3, 64, 64]);
});
