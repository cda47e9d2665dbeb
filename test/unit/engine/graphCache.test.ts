// The optimized-graph cache: a second open comes from the cache and computes what the model computes; a
// corrupt or foreign cache file falls back to the model and is rewritten; a changed model or options
// miss; an unusable cache folder never fails the open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { cachedGraphPath, createCachedSession } from '../../../src/engine/graphCache';
import { copyModel } from './fixtures';

const OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: 1,
};

const tempDir = () => mkdtempSync(join(tmpdir(), 'dl-ort-cache-'));

async function decode(session: ort.InferenceSession): Promise<Float32Array> {
  const latent = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.sin(i)),
    [1, 4, 8, 8],
  );
  const out = await session.run({ latent_sample: latent });
  return out.sample.data as Float32Array;
}

test('the second open of a model comes from the cache and computes the same values', async () => {
  const model = join(copyModel('tiny-sd'), 'vae_decoder', 'model.onnx');
  const cache = tempDir();
  const first = await createCachedSession(model, OPTIONS, cache);
  assert.equal(first.from, 'model');
  const entry = cachedGraphPath(cache, model, OPTIONS)!;
  assert.ok(statSync(entry).size > 0, 'the optimized graph was saved');
  const second = await createCachedSession(model, OPTIONS, cache);
  assert.equal(second.from, 'cache');
  assert.deepEqual(await decode(second.session), await decode(first.session));
  await Promise.all([first.session.release(), second.session.release()]);
});

test('a corrupt cache file falls back to the model and is rewritten', async () => {
  const model = join(copyModel('tiny-sd'), 'vae_decoder', 'model.onnx');
  const cache = tempDir();
  await (await createCachedSession(model, OPTIONS, cache)).session.release();
  const entry = cachedGraphPath(cache, model, OPTIONS)!;
  const good = readFileSync(entry);
  for (const junk of [Buffer.from('not a model'), good.subarray(0, good.length >> 1)]) {
    writeFileSync(entry, junk);
    const opened = await createCachedSession(model, OPTIONS, cache);
    assert.equal(opened.from, 'model');
    assert.ok((await decode(opened.session)).every(Number.isFinite));
    await opened.session.release();
    assert.equal(statSync(entry).size, good.length, 'rewritten whole');
    const again = await createCachedSession(model, OPTIONS, cache);
    assert.equal(again.from, 'cache');
    await again.session.release();
  }
});

test('a changed model file or other options miss the cache', async () => {
  const model = join(copyModel('tiny-sd'), 'vae_decoder', 'model.onnx');
  const cache = tempDir();
  await (await createCachedSession(model, OPTIONS, cache)).session.release();
  const before = cachedGraphPath(cache, model, OPTIONS);
  assert.notEqual(cachedGraphPath(cache, model, { ...OPTIONS, graphOptimizationLevel: 'extended' }), before);
  const later = new Date(statSync(model).mtimeMs + 5000);
  utimesSync(model, later, later);
  assert.notEqual(cachedGraphPath(cache, model, OPTIONS), before);
  const reopened = await createCachedSession(model, OPTIONS, cache);
  assert.equal(reopened.from, 'model');
  await reopened.session.release();
});

test('a cache folder that cannot be written never fails the open', async () => {
  const model = join(copyModel('tiny-sd'), 'vae_decoder', 'model.onnx');
  const notADir = join(tempDir(), 'file');
  writeFileSync(notADir, 'x');
  const opened = await createCachedSession(model, OPTIONS, join(notADir, 'ort'));
  assert.equal(opened.from, 'model');
  assert.ok((await decode(opened.session)).every(Number.isFinite));
  await opened.session.release();
});

test('a broken model still fails with its own error, cache or not', async () => {
  const model = join(copyModel('tiny-sd'), 'vae_decoder', 'model.onnx');
  writeFileSync(model, 'garbage');
  await assert.rejects(createCachedSession(model, OPTIONS, tempDir()), /protobuf|parse|load/i);
});

test('saving prunes the least recently used files beyond the cache’s bound', async () => {
  const model = join(copyModel('tiny-sd'), 'vae_decoder', 'model.onnx');
  const cache = tempDir();
  const old = new Date(Date.now() - 86_400_000);
  for (let i = 0; i < 105; i++) {
    const stale = join(cache, `unet-${String(i).padStart(20, '0')}.ort`);
    writeFileSync(stale, 'x');
    utimesSync(stale, old, old);
  }
  await (await createCachedSession(model, OPTIONS, cache)).session.release();
  const left = readdirSync(cache);
  assert.equal(left.length, 100);
  assert.ok(left.includes(basename(cachedGraphPath(cache, model, OPTIONS)!)));
});
