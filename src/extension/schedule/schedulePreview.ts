// The schedule preview: one panel beside the editor that follows the active schedule document, as
// the Markdown preview does. Restored after a window reload by a serializer.
import * as vscode from 'vscode';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { InspectorSession } from './inspectorSession';
import { isScheduleDocument, scheduleName } from './scheduleDocuments';

export const PREVIEW_VIEW_TYPE = 'diffusionLab.schedulePreview';

export class SchedulePreview implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private session: InspectorSession | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isScheduleDocument(editor.document)) this.follow(editor.document);
      }),
      vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.restore(panel),
      }),
    );
  }

  /** Opens the preview for a document, or points the open preview at it. */
  show(document: vscode.TextDocument): void {
    if (this.panel) {
      this.follow(document);
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      title(document),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri),
    );
    this.attach(panel, document);
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }

  private follow(document: vscode.TextDocument): void {
    if (!this.panel || !this.session) return;
    this.session.setDocument(document);
    this.panel.title = title(document);
  }

  private restore(panel: vscode.WebviewPanel): void {
    // The panel comes back bound to a schedule document that is still on screen, or not at all.
    const document = vscode.window.visibleTextEditors.map((e) => e.document).find(isScheduleDocument);
    if (!document || this.panel) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel, document);
  }

  private attach(panel: vscode.WebviewPanel, document: vscode.TextDocument): void {
    this.panel = panel;
    this.session = new InspectorSession(panel.webview, document);
    panel.title = title(document);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { surface: 'schedule', title: 'Schedule preview' });
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.session?.dispose();
      this.panel = undefined;
      this.session = undefined;
    });
  }
}

function title(document: vscode.TextDocument): string {
  return `Schedule: ${scheduleName(document.uri)}`;
}
