// "diffusionLab.dev.openBlankPanel": a panel with one line of text, opened and timed as every surface is
// (webview/blankPanel/main.ts), so the e2e panel-open spec can say how much of a surface's open time
// is the platform's floor. Registered but not contributed: it is in no menu and not in the palette.
import * as vscode from 'vscode';
import type { Log } from './log';
import { PanelOpenTimer } from './panelOpenTimer';
import { webviewHtml, webviewOptions } from './webviewHtml';

export function registerBlankPanel(context: vscode.ExtensionContext, log: Log): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('diffusionLab.dev.openBlankPanel', () => {
      const panel = vscode.window.createWebviewPanel(
        'diffusionLab.blankPanel',
        'Blank panel',
        vscode.ViewColumn.Active,
        webviewOptions(context.extensionUri),
      );
      const timer = new PanelOpenTimer('blank panel', log);
      panel.webview.html = webviewHtml(panel.webview, context.extensionUri, {
        surface: 'blankPanel',
        title: 'Blank panel',
      });
      const subscription = panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!timer.receive(m)) void panel.webview.postMessage({ text: 'Blank panel: the host answered.' });
      });
      panel.onDidDispose(() => void subscription.dispose());
    }),
  );
}
