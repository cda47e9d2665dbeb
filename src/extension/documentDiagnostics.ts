// Problems-panel entries for a kind of document, recomputed shortly after typing stops so a burst
// of keystrokes costs one parse; shared by schedule and sweep files.
import * as vscode from 'vscode';
import type { FindingSeverity } from '../protocol/schedule';

export const DIAGNOSTIC_SOURCE = 'Diffusion Lab';
const DEBOUNCE_MS = 150;

export const SEVERITY: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** A finding at a text span, as a diagnostic of this extension. */
export function toDiagnostic(
  document: vscode.TextDocument,
  f: { offset: number; length: number; message: string; code: string; severity: keyof typeof SEVERITY },
): vscode.Diagnostic {
  const range = new vscode.Range(document.positionAt(f.offset), document.positionAt(f.offset + f.length));
  const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = f.code;
  return d;
}

export function registerDocumentDiagnostics(
  context: vscode.ExtensionContext,
  name: string,
  accepts: (document: vscode.TextDocument) => boolean,
  diagnosticsFor: (document: vscode.TextDocument) => vscode.Diagnostic[],
): void {
  const collection = vscode.languages.createDiagnosticCollection(name);
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (document: vscode.TextDocument) => {
    if (accepts(document)) collection.set(document.uri, diagnosticsFor(document));
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
