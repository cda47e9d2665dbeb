import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PromptTokenizer } from '../../../src/tokenizer/promptTokenizer';
import { copyModel, model } from '../engine/fixtures';

const slow = PromptTokenizer.load(join(model('tiny-sd'), 'tokenizer'));
const fast = PromptTokenizer.load(join(model('tiny-sd-int64t'), 'tokenizer'));

test('vocab.json + merges.txt and tokenizer.json tokenize alike, padded to 77 with BOS/EOS', () => {
  for (const prompt of ['a photo of a red cat', 'A  PHOTO, of the blue dog!', '']) {
    const [a] = slow.encode(prompt).chunks;
    assert.deepEqual(a.ids, fast.encode(prompt).chunks[0].ids, prompt);
    assert.equal(a.ids.length, 77);
  }
  const { ids } = slow.encode('a red cat').chunks[0];
  // BOS, one token per known word, EOS, then EOS padding (CLIP's pad token).
  const [bos, eos] = [ids[0], ids[4]];
  assert.notEqual(bos, eos);
  assert.equal(new Set(ids.slice(1, 4)).size, 3);
  assert.ok(ids.slice(4).every((id) => id === eos));
});

test('long prompts take windows of 77, each framed by BOS and EOS', () => {
  const r = slow.encode(Array(100).fill('cat').join(' '));
  const [bos, eos] = slow.encode('').chunks[0].ids;
  assert.equal(r.tokenCount, 100);
  assert.deepEqual(
    r.chunks.map((c) => [c.ids.length, c.ids[0], c.tokens]),
    [
      [77, bos, 75],
      [77, bos, 25],
    ],
  );
  assert.equal(r.chunks[0].ids[76], eos);
  assert.equal(r.chunks[1].ids[26], eos);
});

test('words outside the vocabulary are reported once each', () => {
  assert.deepEqual(slow.encode('a café, a CAFÉ and a café').unknownWords, ['café', 'CAFÉ']);
  assert.deepEqual(slow.encode('a red cat').unknownWords, []);
});

test('the pad token comes from the tokenizer config (SD 2.x pads with "!", not EOS)', () => {
  const dir = join(copyModel('tiny-sd'), 'tokenizer');
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, pad_token: '!' }));
  const sd2 = PromptTokenizer.load(dir);
  const { ids } = sd2.encode('a red cat').chunks[0];
  const bang = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8'))['!'];
  assert.notEqual(ids[4], bang, 'EOS still ends the prompt');
  assert.ok(ids.slice(5).every((id) => id === bang));
});
