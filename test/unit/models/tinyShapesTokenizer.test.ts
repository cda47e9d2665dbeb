// The default model's word tokenizer through the CLIP-style loader: start/end tokens, end
// token padding to the text encoder's length, unknown words reported, empty prompt = unconditional.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { PromptTokenizer } from '../../../src/tokenizer/promptTokenizer';

const folder = join(defaultModelDir(), 'tokenizer');
const vocab: Record<string, number> = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')).model.vocab;
const tok = PromptTokenizer.load(folder);
const [bos, eos, unk] = ['<|startoftext|>', '<|endoftext|>', '[UNK]'].map((t) => vocab[t]);

test('a caption becomes start, one id per word, end, then end-token padding to the model length', () => {
  const words = 'a small red circle at the top left on a blue background'.split(' ');
  const { chunks, unknownWords, tokenCount } = tok.encode(words.join(' '));
  const { ids } = chunks[0];
  assert.equal(tok.length, 16);
  assert.deepEqual(ids, [bos, ...words.map((w) => vocab[w]), eos, ...new Array(16 - words.length - 2).fill(eos)]);
  assert.ok(words.every((w) => vocab[w] !== undefined && vocab[w] !== unk));
  assert.deepEqual(unknownWords, []);
  assert.deepEqual([chunks.length, tokenCount], [1, words.length]);
});

test('case, punctuation and the spellings "an" and "centre" do not change the tokens', () => {
  assert.deepEqual(tok.encode('A Large RED square, in the Centre, on an orange background!').chunks,
    tok.encode('a large red square in the center on a orange background').chunks);
  assert.deepEqual(tok.encode('banana').unknownWords, ['banana']);
});

test('unknown words become the unknown token and are named', () => {
  const { chunks, unknownWords } = tok.encode('a zebra circle');
  const { ids } = chunks[0];
  assert.deepEqual(ids.slice(0, 5), [bos, vocab.a, unk, vocab.circle, eos]);
  assert.deepEqual(unknownWords, ['zebra']);
});

test('an empty prompt is start and end only (the unconditional input)', () => {
  assert.deepEqual(tok.encode('').chunks[0].ids, [bos, ...new Array(15).fill(eos)]);
});

test('a prompt longer than the model takes fills windows of 14 tokens, each with its start and end tokens', () => {
  const { chunks, tokenCount } = tok.encode('a red circle '.repeat(8));
  assert.equal(tokenCount, 24);
  assert.deepEqual(chunks.map((c) => [c.ids.length, c.ids[0], c.ids[c.tokens + 1], c.tokens]), [[16, bos, eos, 14], [16, bos, eos, 10]]);
});
