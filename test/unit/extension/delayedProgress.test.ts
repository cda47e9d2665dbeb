// A run's progress appears only once the run has lasted a while (src/extension/delayedProgress.ts): a short
// run leaves no progress toast behind (VS Code keeps one 800 ms and drops its last report); a longer one shows
// what it last reported, and the shown Cancel reaches the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withDelayedProgress, type Show } from '../../../src/extension/delayedProgress';

const options = { location: 15, title: 'Diffusion: generating', cancellable: true };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stand-in for vscode.window.withProgress that records what it was shown and can press Cancel. */
function fakeShow() {
  const shown = { calls: 0, reports: [] as unknown[], closed: false, cancel: () => {} };
  const show: Show = (_options, task) => {
    shown.calls++;
    const done = task({ report: (v) => shown.reports.push(v) }, { onCancellationRequested: (l) => (shown.cancel = l) });
    void Promise.resolve(done).then(() => (shown.closed = true));
    return done;
  };
  return { shown, show };
}

test('a run that ends before the delay shows no progress, and gives its result', async () => {
  const { shown, show } = fakeShow();
  const result = await withDelayedProgress(
    show,
    options,
    async (progress) => {
      progress.report({ message: 'step 1/4', increment: 25 });
      await sleep(5);
      return 'image';
    },
    50,
  );
  assert.equal(result, 'image');
  await sleep(80);
  assert.equal(shown.calls, 0);
});

test('a longer run shows its last report, then each new one, and closes when it ends; Cancel reaches it', async () => {
  const { shown, show } = fakeShow();
  let aborted = false;
  const run = withDelayedProgress(
    show,
    options,
    async (progress, cancelled) => {
      cancelled.addEventListener('abort', () => (aborted = true));
      progress.report({ message: 'step 1/4', increment: 25 });
      progress.report({ message: 'step 2/4', increment: 25 });
      await sleep(60);
      progress.report({ message: 'step 3/4', increment: 25 });
      await sleep(10);
      throw new Error('cancelled after step 3');
    },
    20,
  );
  await sleep(40);
  assert.equal(shown.calls, 1);
  assert.deepEqual(shown.reports, [{ message: 'step 2/4', increment: 50 }]);
  shown.cancel();
  assert.equal(aborted, true);
  await assert.rejects(run, /cancelled after step 3/);
  await sleep(1);
  assert.deepEqual(shown.reports.at(-1), { message: 'step 3/4', increment: 25 });
  assert.equal(shown.closed, true);
});
