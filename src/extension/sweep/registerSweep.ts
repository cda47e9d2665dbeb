// Everything sweeps add to VS Code: diagnostics and quick fixes for *.sweep.json, the CodeLens, the
// grid as a custom editor, and "Run Sweep".
import * as vscode from 'vscode';
import type { EngineClient } from '../../runs/engineClient';
import type { Log } from '../log';
import { timePanelOpen } from '../panelOpenTimer';
import type { RunService } from '../runService';
import { DIAGNOSTIC_SOURCE, registerDocumentDiagnostics, toDiagnostic } from '../documentDiagnostics';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { isSweepFile } from './sweepDocument';
import { readSweep, SweepRunner } from './sweepRunner';
import { SweepCodeLens } from './sweepCodeLens';
import { sweepQuickFixes } from './sweepQuickFixes';
import { toAction } from '../schedule/scheduleLanguageFeatures';
import { SweepSession } from './sweepSession';

export const SWEEP_VIEW_TYPE = 'diffusionLab.sweepGrid';
const SWEEP_SELECTOR: vscode.DocumentSelector = { language: 'json', pattern: '**/*.sweep.json' };
const QUICK_FIX = [vscode.CodeActionKind.QuickFix];

export function registerSweep(
  context: vscode.ExtensionContext,
  deps: { engine: EngineClient; runs: RunService; log: Log },
): void {
  const runner = new SweepRunner(deps.engine, deps.runs);
  const provider: vscode.CustomTextEditorProvider = {
    resolveCustomTextEditor(document, panel) {
      panel.webview.options = webviewOptions(context.extensionUri);
      timePanelOpen(panel.webview, 'sweep grid', deps.log);
      panel.webview.html = webviewHtml(panel.webview, context.extensionUri, { surface: 'sweep', title: 'Sweep grid' });
      const session = new SweepSession(panel.webview, document, runner);
      panel.onDidDispose(() => session.dispose());
    },
  };
  context.subscriptions.push(
    runner,
    vscode.languages.registerCodeActionsProvider(
      SWEEP_SELECTOR,
      { provideCodeActions },
      { providedCodeActionKinds: QUICK_FIX },
    ),
    vscode.languages.registerCodeLensProvider(SWEEP_SELECTOR, new SweepCodeLens(runner)),
    vscode.window.registerCustomEditorProvider(SWEEP_VIEW_TYPE, provider, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.commands.registerCommand('diffusionLab.runSweep', async (uri?: unknown) => {
      const target = await openGridBeside(uri, 'run it');
      if (target) await runner.run(await vscode.workspace.openTextDocument(target));
    }),
    vscode.commands.registerCommand('diffusionLab.showSweepGrid', (uri?: unknown) =>
      openGridBeside(uri, 'see its grid'),
    ),
  );
  registerDocumentDiagnostics(
    context,
    'diffusionLab.sweep',
    (document) => isSweepFile(document.uri.fsPath),
    (document) => readSweep(document).findings.map((f) => toDiagnostic(document, f)),
  );
}

/** The sweep file given (or the active editor's) opened as its grid beside the editor; undefined, with a word
 * saying what to open `to` do, where it is not a sweep file. */
async function openGridBeside(uri: unknown, to: string): Promise<vscode.Uri | undefined> {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target || !isSweepFile(target.fsPath))
    return void vscode.window.showInformationMessage(`Open a *.sweep.json file to ${to}.`);
  await vscode.commands.executeCommand('vscode.openWith', target, SWEEP_VIEW_TYPE, vscode.ViewColumn.Beside);
  return target;
}

/** Quick fixes for this extension's sweep diagnostics in the range. */
function provideCodeActions(
  document: vscode.TextDocument,
  _range: vscode.Range,
  context: vscode.CodeActionContext,
): vscode.CodeAction[] {
  const text = document.getText();
  const { findings } = readSweep(document);
  return context.diagnostics.flatMap((diagnostic) => {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) return [];
    const offset = document.offsetAt(diagnostic.range.start);
    const finding = findings.find(
      (f) => f.offset === offset && f.code === diagnostic.code && f.message === diagnostic.message,
    );
    return finding
      ? sweepQuickFixes(text, finding.code, finding.path).map((fix) =>
          toAction(document, fix, vscode.CodeActionKind.QuickFix, [diagnostic]),
        )
      : [];
  });
}
