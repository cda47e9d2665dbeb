// A1111's chunking of long prompts (modules/sd_hijack_clip.py tokenize_line), case by case: ids are
// small integers standing for tokens, 5 for the comma.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkPrompt, tokenWindow, type ChunkTokens, type TokenPiece } from '../../../../src/core/prompt/promptChunks';

const T: ChunkTokens = { bos: 1, eos: 2, pad: 2, comma: 5, chunkLength: 75, commaBacktrack: 20 };
const words = (n: number, id = 7): number[] => new Array<number>(n).fill(id);

test('a short prompt is one window: BOS, its tokens, EOS, EOS padding; weights 1 on the frame', () => {
  const { chunks, tokenCount } = chunkPrompt(
    [
      { ids: [7, 8], weight: 1 },
      { ids: [9], weight: 1.5 },
    ],
    T,
  );
  assert.equal(tokenCount, 3);
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0].ids, [1, 7, 8, 9, 2, ...words(72, 2)]);
  assert.deepEqual(chunks[0].multipliers, [1, 1, 1, 1.5, ...words(73, 1)]);
  assert.equal(chunks[0].tokens, 3);
});

test('the empty prompt is one window of BOS and EOS', () => {
  const { chunks, tokenCount } = chunkPrompt([{ ids: [], weight: 1 }], T);
  assert.equal(tokenCount, 0);
  assert.deepEqual(chunks[0].ids, [1, ...words(76, 2)]);
});

test('100 tokens make two windows of 77: 75 + 25, counted as 100', () => {
  const { chunks, tokenCount } = chunkPrompt([{ ids: words(100), weight: 1 }], T);
  assert.equal(tokenCount, 100);
  assert.deepEqual(
    chunks.map((c) => c.ids.length),
    [77, 77],
  );
  assert.deepEqual(chunks[0].ids, [1, ...words(75), 2]);
  assert.deepEqual(chunks[1].ids, [1, ...words(25), 2, ...words(50, 2)]);
  assert.equal(tokenWindow(tokenCount, 75), 150);
  assert.equal(tokenWindow(75, 75), 75);
  assert.equal(tokenWindow(0, 75), 75);
});

test('BREAK closes the window at once; a full window counts 75', () => {
  const pieces: TokenPiece[] = [
    { ids: [7], weight: 1 },
    { ids: [], weight: -1, isBreak: true },
    { ids: [8], weight: 1 },
  ];
  const { chunks, tokenCount } = chunkPrompt(pieces, T);
  assert.equal(chunks.length, 2);
  assert.deepEqual(chunks[0].ids.slice(0, 3), [1, 7, 2]);
  assert.deepEqual(chunks[1].ids.slice(0, 3), [1, 8, 2]);
  assert.equal(tokenCount, 75 + 1);
});

test('a window that fills within 20 tokens of a comma moves the words after it to the next window', () => {
  const ids = [...words(60), 5, ...words(14, 8), ...words(3, 9)];
  const { chunks } = chunkPrompt([{ ids, weight: 1.2 }], T);
  assert.deepEqual(chunks[0].ids, [1, ...words(60), 5, 2, ...words(14, 2)]);
  assert.deepEqual(chunks[0].multipliers.slice(0, 63), [1, ...words(61, 1.2), 1]);
  assert.deepEqual(chunks[1].ids.slice(0, 19), [1, ...words(14, 8), ...words(3, 9), 2]);
  // Farther than 20 tokens from the comma, or with the rule off: a plain cut at 75.
  for (const [pieces, t] of [
    [[...words(50), 5, ...words(30)], T],
    [ids, { ...T, commaBacktrack: 0 }],
  ] as const) {
    const cut = chunkPrompt([{ ids: [...pieces], weight: 1 }], t).chunks;
    assert.deepEqual(cut[0].ids.slice(1, 76), pieces.slice(0, 75));
  }
});

test('a pad token other than EOS fills after the EOS (SD 2.x)', () => {
  const { chunks } = chunkPrompt([{ ids: [7], weight: 1 }], { ...T, pad: 3 });
  assert.deepEqual(chunks[0].ids.slice(0, 5), [1, 7, 2, 3, 3]);
});
