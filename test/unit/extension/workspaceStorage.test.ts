import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stableStorage } from '../../../src/extension/workspaceStorage';

test("a host given `<id>-1` while the old host held `<id>`'s lock keeps its runs in `<id>`", () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-storage-'));
  const id = join(root, '0f3a9c2e8d7b6a5f4e3d2c1b0a998877');
  mkdirSync(id);
  mkdirSync(`${id}-1`);
  assert.equal(stableStorage(`${id}-1`), id);
  assert.equal(stableStorage(`${id}-9`), id);
  assert.equal(stableStorage(id), id);
});

test('a folder whose name only looks like a fallback stays as it is', () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-storage-'));
  mkdirSync(join(root, 'workspace-2'));
  assert.equal(stableStorage(join(root, 'workspace-2')), join(root, 'workspace-2'));
  assert.equal(stableStorage(join(root, 'abc-10')), join(root, 'abc-10'));
  assert.equal(stableStorage(join(root, 'abc-0')), join(root, 'abc-0'));
});
