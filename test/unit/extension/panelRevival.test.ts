import assert from 'node:assert/strict';
import { test } from 'node:test';
import { whileOpen } from '../../../src/extension/panelRevival';

/** A stand-in for a vscode.WebviewPanel: close() fires its dispose listeners, as VS Code does. */
function fakePanel() {
  const listeners = new Set<() => void>();
  return {
    listeners,
    onDidDispose(listener: () => void) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    close: () => [...listeners].forEach((l) => l()),
  };
}

test('a panel closed while the work runs is reported closed, with the work’s value', async () => {
  const panel = fakePanel();
  const result = await whileOpen(panel, async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    panel.close();
    return 'kept run';
  });
  assert.deepEqual(result, { value: 'kept run', open: false });
  assert.equal(panel.listeners.size, 0, 'the listener is removed');
});

test('a panel still open after the work is reported open; a failure still removes the listener', async () => {
  const panel = fakePanel();
  assert.deepEqual(await whileOpen(panel, () => Promise.resolve(3)), { value: 3, open: true });
  await assert.rejects(
    whileOpen(panel, () => Promise.reject(new Error('unreadable'))),
    /unreadable/,
  );
  assert.equal(panel.listeners.size, 0);
});
