import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromptHistory } from '../../../../webview/workbench/promptHistory';

test('older walks newest first, each prompt once and no empty ones, and stops at the oldest', () => {
  const h = new PromptHistory();
  h.setPrompts(['c', 'b', '', 'c', 'a']);
  assert.deepEqual([h.older('draft'), h.older('c'), h.older('b'), h.older('a')], ['c', 'b', 'a', undefined]);
});

test('newer walks back and gives the draft after the newest; typing starts again from the draft', () => {
  const h = new PromptHistory();
  h.setPrompts(['c', 'b']);
  assert.equal(h.newer(), undefined, 'already at the draft');
  h.older('my draft');
  h.older('c');
  assert.deepEqual([h.newer(), h.newer(), h.newer()], ['c', 'my draft', undefined]);
  h.older('my draft');
  h.typed();
  assert.equal(h.older('edited'), 'c');
  assert.equal(h.newer(), 'edited');
});
