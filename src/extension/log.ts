// The extension's one log: a levelled output channel that every part writes to.
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(context: vscode.ExtensionContext): Log {
  const log = vscode.window.createOutputChannel('Diffusion Lab', { log: true });
  context.subscriptions.push(log);
  return log;
}

/** An error notification with a "Show Log" action, for failures whose details are in the log.
 * Not awaited by callers: the notification may stay open long after the command has returned. */
export function showErrorWithLog(log: Log, message: string): void {
  void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
    if (choice === 'Show Log') log.show(true);
  });
}
