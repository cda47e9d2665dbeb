// "Open With… → Schedule Inspector": the same inspector as a custom editor over the JSON text. The
// text document stays the truth, so undo, save, diff and git behave as for any JSON file.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { timePanelOpen } from '../panelOpenTimer';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { InspectorSession } from './inspectorSession';

export const EDITOR_VIEW_TYPE = 'diffusionLab.scheduleInspector';

export class ScheduleEditorProvider implements vscode.CustomTextEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: vscode.Memento,
    private readonly log: Log,
  ) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    timePanelOpen(panel.webview, 'schedule inspector', this.log);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      surface: 'schedule',
      title: 'Schedule inspector',
    });
    const session = new InspectorSession(panel.webview, document, {
      state: this.state,
      key: `diffusionLab.scheduleInspector.overlays:${document.uri.toString()}`,
    });
    panel.onDidDispose(() => session.dispose());
  }
}
