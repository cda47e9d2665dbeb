// Everything sweeps add to VS Code: diagnostics for *.sweep.json, the grid as a custom editor, and
// "Run Sweep".
import * as vscode from 'vscode';
import type { FindingSeverity } from '../../protocol/schedule';
import type { EngineClient } from '../../runs/engineClient';
import type { RunService } from '../runService';
import { DIAGNOSTIC_SOURCE } from '../schedule/scheduleDiagnostics';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { isSweepFile, readSweepDocument } from './sweepDocument';
import { cellLimit, SweepRunner } from './sweepRunner';
import { SweepCodeLens } from './sweepCodeLens';
import { SweepSession } from './sweepSession';

export const SWEEP_VIEW_TYPE = 'diffusionLab.sweepGrid';
const DEBOUNCE_MS = 150;
const SEVERITY: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function registerSweep(
  context: vscode.ExtensionContext,
  deps: { engine: EngineClient; runs: RunService },
): void {
  const runner = new SweepRunner(deps.engine, deps.runs);
  const provider: vscode.CustomTextEditorProvider = {
    resolveCustomTextEditor(document, panel) {
      panel.webview.options = webviewOptions(context.extensionUri);
      panel.webview.html = webviewHtml(panel.webview, context.extensionUri, { surface: 'sweep', title: 'Sweep grid' });
      const session = new SweepSession(panel.webview, document, runner);
      panel.onDidDispose(() => session.dispose());
    },
  };
  context.subscriptions.push(
    runner,
    vscode.languages.registerCodeLensProvider(
      { language: 'json', pattern: '**/*.sweep.json' },
      new SweepCodeLens(runner),
    ),
    vscode.window.registerCustomEditorProvider(SWEEP_VIEW_TYPE, provider, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.commands.registerCommand('diffusionLab.runSweep', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target || !isSweepFile(target.fsPath))
        return void vscode.window.showInformationMessage('Open a *.sweep.json file to run it.');
      const document = await vscode.workspace.openTextDocument(target);
      await vscode.commands.executeCommand('vscode.openWith', target, SWEEP_VIEW_TYPE, vscode.ViewColumn.Beside);
      await runner.run(document);
    }),
  );
  registerDiagnostics(context);
}

function registerDiagnostics(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('diffusionLab.sweep');
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (document: vscode.TextDocument) => {
    if (!isSweepFile(document.uri.fsPath)) return;
    const { findings } = readSweepDocument(document.getText(), cellLimit());
    collection.set(
      document.uri,
      findings.map((f) => {
        const range = new vscode.Range(document.positionAt(f.offset), document.positionAt(f.offset + f.length));
        const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = f.code;
        return d;
      }),
    );
  };
  const later = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => (timers.delete(key), refresh(document)), DEBOUNCE_MS),
    );
  };
  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => later(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  vscode.workspace.textDocuments.forEach(refresh);
}
