// Where a run's progress shows. A run from the palette has nothing else on screen while it runs: a
// notification with its step and Cancel. A surface that shows its runs' steps and has a Cancel of its
// own (the workbench) gets a status bar entry only. VS Code keeps a progress notification open for at
// least 800 ms (progressService.ts, withNotificationProgress) and the extension host sends progress at
// most every 100 ms, dropping what is pending when the task ends (extHostProgress.ts, throttledReport):
// the workbench's runs of the default model (~0.1 s each) left a toast reading "step 1/4" beside the
// panel's "done … saved as", one per run of a queue.
import type * as vscode from 'vscode';

/** `notification`: a toast with Cancel; `statusBar`: the window's status bar only. */
export type ProgressPlace = 'notification' | 'statusBar';

export const PROGRESS_TITLE = 'Diffusion: generating';

/** The withProgress options for a run shown at `place`; `locations` is vscode.ProgressLocation. */
export function progressOptions(
  place: ProgressPlace,
  locations: Pick<typeof vscode.ProgressLocation, 'Notification' | 'Window'>,
): vscode.ProgressOptions {
  return place === 'notification'
    ? { location: locations.Notification, title: PROGRESS_TITLE, cancellable: true }
    : { location: locations.Window, title: PROGRESS_TITLE };
}
