// The attention parser against A1111's own parse_prompt_attention on the same strings
// (test/fixtures/reference/prompt/prompt_attention.json, made by gen_prompt_attention.py there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isBreak,
  parsePromptAttention,
  promptAttentionError,
  PROMPT_MAX_CHARS,
} from '../../../../src/core/prompt/promptAttention';

interface Case {
  prompt: string;
  parsed?: [string, number][];
  error?: string;
}
const FIXTURE = join(__dirname, '../../../fixtures/reference/prompt/prompt_attention.json');
const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: Case[] };

test('every fixture prompt parses to A1111’s pieces and weights, bit for bit', () => {
  assert.ok(cases.length > 50);
  for (const c of cases.filter((k) => k.parsed)) {
    const got = parsePromptAttention(c.prompt).map((p) => [p.text, p.weight]);
    assert.deepEqual(got, c.parsed, JSON.stringify(c.prompt));
  }
});

test('where A1111 raises, the parser throws a RangeError naming the weight', () => {
  const failing = cases.filter((k) => k.error);
  assert.ok(failing.length >= 2);
  for (const c of failing) assert.throws(() => parsePromptAttention(c.prompt), /is not a number/, c.prompt);
});

test('weights past 10,000 either way are refused naming the words; BREAK and ordinary weights pass', () => {
  assert.equal(promptAttentionError('a (red:10000) (blue:-10000) BREAK circle'), undefined);
  assert.equal(
    promptAttentionError(`a (red:1${'0'.repeat(39)}) circle`),
    '"red" has attention weight 1e+39: at most 10000 either way',
  );
  // Nesting multiplies: 1.1^100 is about 13,781.
  assert.match(promptAttentionError(`${'('.repeat(100)}x${')'.repeat(100)}`)!, /^"x" has attention weight 13780\.6/);
  assert.match(promptAttentionError(`(${'w'.repeat(60)}:-20000)`)!, /^"w{39}…" has attention weight -20000/);
});

test('BREAK pieces are recognised only with weight −1', () => {
  const [a, brk, b] = parsePromptAttention('a BREAK b');
  assert.ok(isBreak(brk) && !isBreak(a) && !isBreak(b));
  assert.ok(!parsePromptAttention('(a BREAK b)').some(isBreak));
});

// The timeout only stops a hang; it is no speed figure (the parse takes milliseconds).
test('a prompt past the cap is refused; deep nesting at the cap parses', { timeout: 60_000 }, () => {
  assert.throws(() => parsePromptAttention('a'.repeat(PROMPT_MAX_CHARS + 1)), /more than 20000/);
  const half = PROMPT_MAX_CHARS / 4;
  const nested = '('.repeat(half) + '\\('.repeat(half / 2) + ')'.repeat(half);
  const parsed = parsePromptAttention(nested);
  assert.equal(parsed.map((p) => p.text).join(''), '('.repeat(half / 2));
});
