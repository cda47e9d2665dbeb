// A loaded model encodes each prompt window once (textEncoding.ts, encodeChunk): a sweep's batches and a
// re-run take the kept states, which must be those a fresh encoding gives; other weights, another model's
// sessions or a failed encoding run the encoder again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSessions } from '../../../src/engine/modelSessions';
import { encodePrompts } from '../../../src/engine/textEncoding';
import { runSpec } from '../../../src/protocol/run';
import { sessions } from './loadedSessions';
import { model } from './fixtures';

const SHAPE = { batch: 2, channels: 4, width: 64, height: 64, latentHeight: 8, latentWidth: 8 };
const encode = (s: ModelSessions, prompt: string) =>
  encodePrompts(s, { ...runSpec({ modelDir: model('tiny-sd'), prompt }), guidanceScale: 7.5 }, SHAPE);

/** Counts the text encoder's calls; `failFirst` makes the first one throw. */
function counted(s: ModelSessions, failFirst = false): { calls: number } {
  const count = { calls: 0 };
  const encoder = s.textEncoder!;
  const run = encoder.run.bind(encoder);
  encoder.run = (feeds) => {
    count.calls++;
    return failFirst && count.calls === 1 ? Promise.reject(new Error('encoder down')) : run(feeds);
  };
  return count;
}

test('the same prompt again runs no encoder and gives the same states', async () => {
  const s = await sessions('tiny-sd');
  const count = counted(s);
  const first = await encode(s, 'a red cat');
  assert.equal(count.calls, 2, 'the prompt and the empty negative prompt');
  const again = await encode(s, 'a red cat');
  assert.equal(count.calls, 2);
  assert.deepEqual(again.hidden, first.hidden);
  assert.notEqual(again.hidden.data, first.hidden.data, 'each run gets arrays of its own');
  await encode(s, 'a (red:1.5) cat');
  assert.equal(count.calls, 3, 'another weight is another window');
});

test('other sessions of the same folder encode for themselves', async () => {
  const [a, b] = [await sessions('tiny-sd'), await sessions('tiny-sd')];
  await encode(a, 'a blue dog');
  const count = counted(b);
  await encode(b, 'a blue dog');
  assert.equal(count.calls, 2);
});

test('a failed encoding is not kept', async () => {
  const s = await sessions('tiny-sd');
  const count = counted(s, true);
  await assert.rejects(encode(s, 'a green bird'), /encoder down/);
  const states = await encode(s, 'a green bird');
  assert.ok(count.calls >= 3, `${count.calls} calls`);
  assert.deepEqual(states.hidden.shape, [4, 77, 32]);
});
