// The panel that shows the latest generated images. One panel, reused; the webview asks for the
// current run when it starts, so the host keeps only the latest run.
import * as vscode from 'vscode';
import type { FromImagePanel, PanelRun, ToImagePanel } from '../protocol/imagePanel';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const IMAGE_PANEL_VIEW_TYPE = 'diffusionLab.image';

export class ImagePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private run: PanelRun | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Shows a run, opening the panel beside the editor if it is not open. */
  show(run: PanelRun): void {
    this.run = run;
    if (this.panel) {
      this.panel.reveal(undefined, true);
      this.post({ type: 'run', run });
      return;
    }
    this.panel = this.open();
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private open(): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      IMAGE_PANEL_VIEW_TYPE,
      'Diffusion: Image',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri),
    );
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { surface: 'image', title: 'Diffusion: Image' });
    panel.webview.onDidReceiveMessage((message: FromImagePanel) => {
      if (message?.type === 'ready') this.post(this.run ? { type: 'run', run: this.run } : { type: 'empty' });
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    return panel;
  }

  private post(message: ToImagePanel): void {
    void this.panel?.webview.postMessage(message);
  }
}
