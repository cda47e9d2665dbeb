// The CLI's entry starts the engine before loading the rest of the CLI for the commands that will run it:
// a sweep only when its output folder has no index yet (a re-run of a complete folder starts none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepWillRun } from '../../../src/cli/start';

test('a sweep into a folder without index.json starts the engine early; with one, or merging, it does not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-start-'));
  const fresh = join(dir, 'fresh');
  assert.equal(sweepWillRun(['a.sweep.json', '--out', fresh]), true);
  assert.equal(sweepWillRun([`--out=${fresh}`, 'a.sweep.json', '--batch', '2']), true);
  writeFileSync(join(dir, 'index.json'), '{}');
  assert.equal(sweepWillRun(['a.sweep.json', '--out', dir]), false, 'a folder with an index may hold every cell');
  assert.equal(sweepWillRun(['--merge', 'x', 'y', '--out', fresh]), false, 'merging runs no engine');
  assert.equal(sweepWillRun(['a.sweep.json']), false, 'no --out: the usage error comes first');
});
