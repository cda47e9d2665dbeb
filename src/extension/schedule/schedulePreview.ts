// The schedule preview: one panel beside the editor that follows the active schedule document, as
// the Markdown preview does. Restored after a window reload by a serializer, on the document it showed
// (kept in workspace state) with its overlays.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { timePanelOpen } from '../panelOpenTimer';
import { whileOpen } from '../panelRevival';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { InspectorSession } from './inspectorSession';
import { isScheduleDocument, scheduleName } from './scheduleDocuments';

export const PREVIEW_VIEW_TYPE = 'diffusionLab.schedulePreview';
const DOCUMENT_KEY = 'diffusionLab.schedulePreview.document';
const OVERLAYS_KEY = 'diffusionLab.schedulePreview.overlays';

export class SchedulePreview implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private session: InspectorSession | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: vscode.Memento,
    private readonly log: Log,
  ) {
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
    for (const d of this.disposables) d.dispose();
  }

  private follow(document: vscode.TextDocument): void {
    if (!this.panel || !this.session) return;
    this.session.setDocument(document);
    this.panel.title = title(document);
    void this.state.update(DOCUMENT_KEY, document.uri.toString());
  }

  private async restore(panel: vscode.WebviewPanel): Promise<void> {
    if (this.panel) {
      panel.dispose();
      return;
    }
    // The panel comes back on the document it showed; if that is gone, on a schedule still on screen.
    const saved = this.state.get<unknown>(DOCUMENT_KEY);
    const { value: document, open } = await whileOpen(
      panel,
      async () =>
        (typeof saved === 'string' ? await openIfReadable(vscode.Uri.parse(saved)) : undefined) ??
        vscode.window.visibleTextEditors.map((e) => e.document).find(isScheduleDocument),
    );
    if (!open) return;
    if (!document || this.panel) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel, document);
  }

  private attach(panel: vscode.WebviewPanel, document: vscode.TextDocument): void {
    this.panel = panel;
    this.session = new InspectorSession(panel.webview, document, { state: this.state, key: OVERLAYS_KEY });
    timePanelOpen(panel.webview, 'schedule preview', this.log);
    void this.state.update(DOCUMENT_KEY, document.uri.toString());
    panel.title = title(document);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      surface: 'schedule',
      title: 'Schedule preview',
    });
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

async function openIfReadable(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    return isScheduleDocument(document) ? document : undefined;
  } catch {
    return undefined;
  }
}
