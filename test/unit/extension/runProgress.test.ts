// Where a run's progress shows: the workbench's runs never raise a progress notification (VS Code
// keeps one at least 800 ms, so a short run's outlived it); a palette run gets one, with Cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROGRESS_TITLE, progressOptions } from '../../../src/extension/runProgress';

// vscode.ProgressLocation's values.
const locations = { Notification: 15, Window: 10 } as const;

test('a run from a surface with its own progress and Cancel shows in the status bar only', () => {
  assert.deepEqual(progressOptions('statusBar', locations), { location: locations.Window, title: PROGRESS_TITLE });
});

test('a run from the palette shows a cancellable notification', () => {
  assert.deepEqual(progressOptions('notification', locations), {
    location: locations.Notification,
    title: PROGRESS_TITLE,
    cancellable: true,
  });
});
