import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInsideAny, resolveSettingPath } from '../../../src/extension/settingPaths';

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
