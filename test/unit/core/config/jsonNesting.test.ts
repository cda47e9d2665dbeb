import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nestedDeeperThan, tooDeepAt } from '../../../../src/core/config/jsonNesting';

test('tooDeepAt finds the bracket that opens one level too many', () => {
  assert.equal(tooDeepAt('{"a":[1]}', 2), undefined);
  assert.equal(tooDeepAt('{"a":[[1]]}', 2), 6);
  assert.equal(tooDeepAt('[{}]', 1), 1);
});

test('tooDeepAt ignores brackets inside strings, escaped quotes included', () => {
  assert.equal(tooDeepAt('{"a":"[[[[{{{{"}', 1), undefined);
  assert.equal(tooDeepAt('{"a\\"[[[":"\\\\"}', 1), undefined);
  assert.equal(tooDeepAt('{"a":"\\"","b":[1]}', 1), 14);
});

test('tooDeepAt reads a 3,000-deep and a 1,000,000-deep text in one pass', () => {
  assert.equal(tooDeepAt(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`, 64), 64 * 5);
  assert.equal(tooDeepAt('['.repeat(1_000_000), 64), 64);
  // Unbalanced closers do not go below zero and hide a later deep part.
  assert.equal(tooDeepAt(`${']'.repeat(100)}${'['.repeat(65)}`, 64), 164);
});

test('nestedDeeperThan counts levels of objects and lists in a parsed value, at any depth', () => {
  assert.equal(nestedDeeperThan(1, 0), false);
  assert.equal(nestedDeeperThan({ a: [1, 2] }, 2), false);
  assert.equal(nestedDeeperThan({ a: [1, [2]] }, 2), true);
  assert.equal(nestedDeeperThan([{}, []], 1), true);
  assert.equal(nestedDeeperThan(null, 0), false);
  // 200,000 levels: deeper than any recursive walk could go; asked without one.
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = { a: deep };
  assert.equal(nestedDeeperThan(deep, 8), true);
  assert.equal(nestedDeeperThan(deep, 200_000), false);
});
