// Parser + chunker against A1111's own tokenize_line, and the emphasis against its EmphasisOriginal
// (test/fixtures/reference/prompt/prompt_chunks.json, made by gen_prompt_chunks.py there with the
// same stand-in tokenizer: "w<n>" is token n + 100, "," token 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEmphasis } from '../../../../src/core/prompt/emphasis';
import { isBreak, parsePromptAttention } from '../../../../src/core/prompt/promptAttention';
import { A1111_COMMA_BACKTRACK, chunkPrompt } from '../../../../src/core/prompt/promptChunks';

interface Fixture {
  tokens: { bos: number; eos: number; comma: number; wordOffset: number };
  cases: { prompt: string; tokenCount: number; chunks: { ids: number[]; multipliers: number[] }[] }[];
  emphasis: { z: number[]; multipliers: number[]; weighted: number[] };
}
const FIXTURE = join(__dirname, '../../../fixtures/reference/prompt/prompt_chunks.json');
const ref = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
const { bos, eos, comma, wordOffset } = ref.tokens;
const tokenize = (text: string) =>
  (text.match(/w\d+|,/g) ?? []).map((w) => (w === ',' ? comma : Number(w.slice(1)) + wordOffset));

test('every fixture prompt chunks to A1111’s ids, multipliers and token count', () => {
  assert.ok(ref.cases.length >= 20);
  for (const c of ref.cases) {
    const pieces = parsePromptAttention(c.prompt).map((p) => ({
      ids: isBreak(p) ? [] : tokenize(p.text),
      weight: p.weight,
      isBreak: isBreak(p),
    }));
    const t = { bos, eos, pad: eos, comma, chunkLength: 75, commaBacktrack: A1111_COMMA_BACKTRACK };
    const got = chunkPrompt(pieces, t);
    const what = c.prompt.slice(0, 60);
    assert.equal(got.tokenCount, c.tokenCount, `${what}: token count`);
    assert.deepEqual(
      got.chunks.map(({ ids, multipliers }) => ({ ids, multipliers })),
      c.chunks,
      what,
    );
  }
});

test('the emphasis weights rows and restores the mean as A1111’s EmphasisOriginal does (float32)', () => {
  const z = Float32Array.from(ref.emphasis.z);
  applyEmphasis(z, ref.emphasis.multipliers);
  ref.emphasis.weighted.forEach((want, i) => {
    assert.ok(Math.abs(z[i] - want) <= 1e-6 * (1 + Math.abs(want)), `${i}: ${z[i]} vs ${want}`);
  });
});
