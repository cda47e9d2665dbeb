// Progress that appears only once a task has run a while. VS Code keeps a progress notification open for
// at least 800 ms and drops the last report when the task ends (runProgress.ts), so a run of the default
// model (~0.2 s) left a toast reading "step 1/50" beside its finished image. A task that ends sooner shows
// no progress at all; a longer one shows it with what it last reported, and Cancel where the options ask.
import type * as vscode from 'vscode';

/** How long a task runs before its progress shows: longer than a default-model run, short enough that a
 * slow one is not left without Cancel. */
export const PROGRESS_DELAY_MS = 500;

type Report = { message?: string; increment?: number };
/** What this uses of vscode.window.withProgress. */
export type Show = <R>(
  options: vscode.ProgressOptions,
  task: (
    progress: vscode.Progress<Report>,
    token: { onCancellationRequested(listener: () => void): unknown },
  ) => Thenable<R>,
) => Thenable<R>;

/** Runs `task` at once; after `delayMs` (if it is still running) shows its progress through `show`
 * (vscode.window.withProgress). `task` gets a progress sink and the signal of the shown Cancel. */
export function withDelayedProgress<T>(
  show: Show,
  options: vscode.ProgressOptions,
  task: (progress: vscode.Progress<Report>, cancelled: AbortSignal) => Promise<T>,
  delayMs = PROGRESS_DELAY_MS,
): Promise<T> {
  const cancel = new AbortController();
  let shown: vscode.Progress<Report> | undefined;
  let message: string | undefined;
  let increment = 0;
  const sink: vscode.Progress<Report> = {
    report(value) {
      message = value.message ?? message;
      increment += value.increment ?? 0;
      shown?.report(value);
    },
  };
  const running = task(sink, cancel.signal);
  const timer = setTimeout(() => {
    void show(options, (progress, token) => {
      shown = progress;
      progress.report({ message, increment });
      token.onCancellationRequested(() => cancel.abort());
      // Closes when the task ends, however it ends.
      return running.then(
        () => undefined,
        () => undefined,
      );
    });
  }, delayMs);
  return running.finally(() => clearTimeout(timer));
}
