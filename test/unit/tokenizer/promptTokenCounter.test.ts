// The host's prompt feedback over the committed models' tokenizer files: A1111's count and window,
// unknown words by position, and problems as an error line rather than an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptTokenCounter } from '../../../src/tokenizer/promptTokenCounter';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { model } from '../engine/fixtures';

const counter = new PromptTokenCounter();

test('a CLIP-window model counts against 75; 100 tokens take 150; unknown words by their offsets', () => {
  const dir = model('tiny-sd');
  const short = counter.count(dir, 'm', 'a (red:1.3) cat on a [blue] dog');
  assert.deepEqual([short.count, short.window, short.chunks, short.unknown.length], [7, 75, 1, 0]);
  const { text, unknown } = counter.count(dir, 'm', 'a cat on a crème brûlée, (crème:1.2)');
  assert.deepEqual(
    unknown.map(({ start, end }) => text.slice(start, end)),
    ['crème', 'brûlée', 'crème'],
  );
  assert.equal(unknown[2].start, text.lastIndexOf('crème'));
  const long = counter.count(dir, 'm', Array(100).fill('cat').join(' '));
  assert.deepEqual([long.count, long.window, long.chunks], [100, 150, 2]);
  assert.deepEqual(counter.count(dir, 'm', 'cat BREAK dog').chunks, 2);
});

test('the shipped model’s 16-token encoder gives windows of 14', () => {
  const r = counter.count(defaultModelDir(), 'd', 'a large green zebra square');
  assert.deepEqual([r.count, r.window], [5, 14]);
  assert.deepEqual(r.unknown, [{ start: 14, end: 19 }]);
  // Its vocabulary has no digits: an attention weight's are syntax, not unknown words; BREAK too.
  const weighted = counter.count(defaultModelDir(), 'd', 'a (large:1.3) green BREAK zebra 3');
  assert.deepEqual(
    weighted.unknown.map(({ start, end }) => weighted.text.slice(start, end)),
    ['zebra', '3'],
  );
});

test('a bad weight or a model without a tokenizer is reported as an error', () => {
  assert.match(counter.count(model('tiny-sd'), 'm', '(cat:1.2.3)').error!, /"1\.2\.3" is not a number/);
  assert.equal(counter.count(model('tiny-ddpm'), 'u', 'cat').error, 'this model takes no prompt');
});
