// Hovers and quick fixes for schedule documents, both reading the shared per-version parse.
import * as vscode from 'vscode';
import { hoverFacts } from './hoverFacts';
import { configPathOf, quickFixesFor, zeroSnrFixes, type QuickFix } from './quickFixes';
import { DIAGNOSTIC_SOURCE } from './scheduleDiagnostics';
import { pathAt } from '../../documents/scheduleDocument';
import { readDocument } from './scheduleDocuments';

export function registerScheduleLanguageFeatures(
  context: vscode.ExtensionContext,
  selector: vscode.DocumentSelector,
): void {
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(selector, {
      provideHover(document, position) {
        const doc = readDocument(document);
        const text = doc && hoverFacts(doc, document.offsetAt(position));
        return text ? new vscode.Hover(new vscode.MarkdownString(text)) : undefined;
      },
    }),
    vscode.languages.registerCodeActionsProvider(
      selector,
      { provideCodeActions },
      {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
      },
    ),
  );
}

function provideCodeActions(
  document: vscode.TextDocument,
  range: vscode.Range,
  context: vscode.CodeActionContext,
): vscode.CodeAction[] {
  const doc = readDocument(document);
  if (!doc) return [];
  const text = document.getText();
  const actions: vscode.CodeAction[] = [];
  for (const diagnostic of context.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const offset = document.offsetAt(diagnostic.range.start);
    const finding = doc.findings.find(
      (f) => f.offset === offset && f.code === diagnostic.code && f.message === diagnostic.message,
    );
    if (!finding) continue;
    for (const fix of quickFixesFor(text, finding.code, finding.path, configPathOf(finding.path, doc.kind))) {
      actions.push(toAction(document, fix, vscode.CodeActionKind.QuickFix, [diagnostic]));
    }
  }
  // Offered anywhere in a readable config, with or without a finding: the common fix for washed-out images.
  const configPath = doc.error ? undefined : configPathOf(pathAt(doc, document.offsetAt(range.start)), doc.kind);
  if (configPath && !actions.some((a) => a.title.startsWith('Use trailing'))) {
    for (const fix of zeroSnrFixes(text, configPath))
      actions.push(toAction(document, { ...fix, preferred: false }, vscode.CodeActionKind.RefactorRewrite, []));
  }
  return actions;
}

/** A quick fix's text edits as a code action (the sweep file's quick fixes use it too). */
export function toAction(
  document: vscode.TextDocument,
  fix: QuickFix,
  kind: vscode.CodeActionKind,
  diagnostics: vscode.Diagnostic[],
): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, kind);
  action.diagnostics = diagnostics;
  action.isPreferred = fix.preferred;
  action.edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) {
    action.edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)),
      e.content,
    );
  }
  return action;
}
