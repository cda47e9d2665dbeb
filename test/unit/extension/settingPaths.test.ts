import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInsideAny, realFolder, resolveSettingPath } from '../../../src/extension/settingPaths';

test('relative setting paths start at the first workspace folder', () => {
  assert.equal(resolveSettingPath('models/sd', '/work/project'), '/work/project/models/sd');
  assert.equal(resolveSettingPath('../shared/sd', '/work/project'), '/work/shared/sd');
});

test('absolute and home paths ignore the workspace; a relative path without one has no answer', () => {
  assert.equal(resolveSettingPath('/models/sd/', '/work/project'), '/models/sd');
  assert.equal(resolveSettingPath('~/models/sd', undefined), join(homedir(), 'models/sd'));
  assert.equal(resolveSettingPath('models/sd', undefined), undefined);
});

test('a folder counts as inside a workspace folder only when it is that folder or below it', () => {
  const folders = ['/work/project'];
  assert.equal(isInsideAny('/work/project', folders), true);
  assert.equal(isInsideAny('/work/project/models/sd', folders), true);
  assert.equal(isInsideAny('/work/project-other/sd', folders), false);
  assert.equal(isInsideAny('/work', folders), false);
  assert.equal(isInsideAny('/models/sd', []), false);
});

test('realFolder follows a symlink the workspace ships, also for a folder not made yet', () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-real-'));
  const workspace = join(root, 'ws');
  const outside = join(root, 'outside');
  mkdirSync(workspace);
  mkdirSync(outside);
  symlinkSync(outside, join(workspace, 'diffusion-outputs'));
  const real = realFolder(join(workspace, 'diffusion-outputs', 'later'));
  assert.equal(real, join(realpathSync(outside), 'later'));
  assert.equal(isInsideAny(real, [realFolder(workspace)]), false, 'the output folder leads outside the workspace');
  assert.equal(realFolder(join(workspace, 'plain')), join(realpathSync(workspace), 'plain'));
});
