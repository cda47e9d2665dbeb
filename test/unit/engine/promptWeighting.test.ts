// A1111's prompt weighting and long prompts on the tiny models: the text encoder's rows as the
// weights make them (against a computation by hand from the unweighted rows), windows of 77 per
// chunk concatenated for the UNet, and what that does to the image.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSessions, type ModelSessions } from '../../../src/engine/modelSessions';
import { encodePrompts } from '../../../src/engine/textEncoding';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import { runSpec } from '../../../src/protocol/run';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { maxDiff, model, request, startEngine } from './fixtures';

let s: ModelSessions;
before(async () => {
  s = await loadSessions(readModelFolder(model('tiny-sd')), 'cpu');
});
const engine = startEngine();
after(() => engine.dispose());

const SHAPE = { batch: 1, channels: 4, width: 64, height: 64, latentHeight: 8, latentWidth: 8 };
const encode = (prompt: string, guidanceScale = 1, negativePrompt = '') =>
  encodePrompts(s, { ...runSpec({ modelDir: model('tiny-sd'), prompt, negativePrompt }), guidanceScale }, SHAPE);
const LONG = Array(100).fill('cat').join(' ');

test('(word:1.0) encodes exactly as the plain prompt', async () => {
  const plain = await encode('a photo of a red cat');
  for (const same of ['a photo of a (red:1.0) cat', '(a photo of a red cat:1)']) {
    assert.deepEqual((await encode(same)).hidden, plain.hidden, same);
  }
});

test('a weight multiplies its token’s row, then the whole window is rescaled to its former mean', async () => {
  const tokens = s.tokenizer!.encode('a red cat').chunks[0].ids;
  const raw = (await s.textEncoder!.run({ input_ids: { data: tokens, dims: [1, 77] } })).last_hidden_state.data;
  const width = raw.length / 77;
  const weights = Array.from({ length: 77 }, (_, r) => (r === 2 ? 1.5 : 1)); // BOS, a, red
  const mean = (f: (i: number) => number) => Array.from(raw, (_, i) => f(i)).reduce((a, b) => a + b, 0) / raw.length;
  const k = mean((i) => raw[i]) / mean((i) => raw[i] * weights[Math.floor(i / width)]);
  const got = (await encode('a (red:1.5) cat')).hidden.data;
  for (let i = 0; i < raw.length; i++) {
    const want = raw[i] * weights[Math.floor(i / width)] * k;
    assert.ok(Math.abs(got[i] - want) <= 1e-5 * (1 + Math.abs(want)), `value ${i}: ${got[i]} vs ${want}`);
  }
  assert.ok(Math.abs(mean((i) => got[i]) - mean((i) => raw[i])) < 1e-6);
});

test('a 100-token prompt is two windows of 77; the empty negative prompt is padded with the empty window', async () => {
  const text = await encode(LONG, 7.5);
  assert.equal(text.chunks, 2);
  assert.equal(text.tokenCount, 100);
  assert.equal(text.truncatedTokens, 0);
  assert.deepEqual(text.hidden.shape, [2, 154, 32]);
  const window = 77 * 32;
  const uncond = text.hidden.data.subarray(0, 2 * window);
  assert.deepEqual(uncond.subarray(window), uncond.subarray(0, window), 'padding = the empty prompt’s window');
  const negative = await encode('cat', 7.5, LONG);
  assert.deepEqual(negative.hidden.shape, [2, 154, 32], 'a long negative prompt pads the prompt');
  const broken = await encode('red BREAK cat');
  assert.equal(broken.chunks, 2);
});

test('engine: a long prompt runs in 2 chunks, emphasis changes the image, the prompt stays as typed', async () => {
  const run = (prompt: string) => engine.generate(request({ prompt }));
  const long = await run(LONG);
  assert.equal(long.info.promptChunks, 2);
  assert.equal(long.info.promptTokens, 100);
  assert.equal(long.info.spec.prompt, LONG);
  const plain = await run('a photo of a red cat');
  const same = await run('a photo of a (red:1.0) cat');
  const weighted = await run('a photo of a (red:1.8) cat');
  assert.deepEqual(same.images[0].rgba, plain.images[0].rgba);
  assert.ok(maxDiff(weighted.images[0].rgba, plain.images[0].rgba) > 0);
  assert.equal(weighted.info.spec.prompt, 'a photo of a (red:1.8) cat');
  assert.equal(plain.info.promptChunks, 1);
  assert.equal(plain.info.promptTokens, 6);
});

test('a UNet with a fixed context length takes the first window only and warns', async () => {
  const prompt = 'a large red square in the center on a blue background, '.repeat(3);
  const spec = runSpec({ modelDir: defaultModelDir(), prompt, seed: 1, steps: 2 });
  const r = await engine.generate({ spec, options: { provider: 'cpu' } });
  assert.equal(r.info.promptChunks, 1);
  assert.ok(r.info.truncatedTokens > 0);
  const note = r.info.warnings.find((w) => w.includes('fixed 16-token context'));
  assert.match(
    note ?? '',
    /first 1 window\(s\) of 14 tokens of each prompt were used \(\d+ of the prompt's tokens dropped/,
  );
});

test('a weight A1111 cannot read is refused before inference, naming the field', async () => {
  for (const [field, label] of [
    ['prompt', 'prompt'],
    ['negativePrompt', 'negative prompt'],
  ] as const) {
    await assert.rejects(engine.generate(request({ [field]: 'a (cat:1.2.3)' })), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'BAD_REQUEST');
      assert.match(e.message, new RegExp(`^${label}: "1\\.2\\.3" is not a number`));
      return true;
    });
  }
});
