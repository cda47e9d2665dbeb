// "Open With… → Model Folder Inspector" on a model_index.json, and "Diffusion: Inspect Model
// Folder": the folder's family, components, graphs and problems, read from the files (no model is
// loaded). The report is rebuilt when the webview asks (it asks again on Refresh) and when the
// model_index.json is saved.
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { isFromModelInspector, type ToModelInspector } from '../../protocol/modelInspector';
import type { Log } from '../log';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { buildModelReport } from './modelReport';

export const MODEL_INSPECTOR_VIEW_TYPE = 'diffusionLab.modelInspector';

class ModelInspectorProvider implements vscode.CustomTextEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      surface: 'modelInspector',
      title: 'Model folder inspector',
    });
    const dir = dirname(document.uri.fsPath);
    const post = (m: ToModelInspector) => void panel.webview.postMessage(m);
    const send = () => {
      try {
        post({ type: 'report', report: buildModelReport(dir) });
      } catch (err) {
        this.log.warn(`model inspector: ${dir}: ${(err as Error).message}`);
        post({ type: 'error', message: (err as Error).message });
      }
    };
    const subscriptions = [
      panel.webview.onDidReceiveMessage((m) => isFromModelInspector(m) && send()),
      vscode.workspace.onDidSaveTextDocument((d) => d.uri.toString() === document.uri.toString() && send()),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
    });
  }
}

export function registerModelInspector(context: vscode.ExtensionContext, log: Log): void {
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(
      MODEL_INSPECTOR_VIEW_TYPE,
      new ModelInspectorProvider(context.extensionUri, log),
    ),
    vscode.commands.registerCommand('diffusionLab.inspectModelFolder', async (uri?: unknown) => {
      const folder =
        uri instanceof vscode.Uri
          ? uri.fsPath
          : (
              await vscode.window.showOpenDialog({
                canSelectFolders: true,
                canSelectFiles: false,
                openLabel: 'Inspect',
              })
            )?.[0]?.fsPath;
      if (!folder) return;
      const index = vscode.Uri.file(folder.endsWith('model_index.json') ? folder : join(folder, 'model_index.json'));
      const exists = await vscode.workspace.fs.stat(index).then(
        () => true,
        () => false,
      );
      if (!exists) {
        void vscode.window.showErrorMessage(
          `Diffusion Lab: ${folder} has no model_index.json; choose a diffusers/Optimum ONNX model folder.`,
        );
        return;
      }
      await vscode.commands.executeCommand('vscode.openWith', index, MODEL_INSPECTOR_VIEW_TYPE);
    }),
  );
}
