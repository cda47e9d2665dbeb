// Problems-panel entries for schedule documents, from the document reading (syntax, file format)
// and the core's config findings. Updated shortly after typing stops, so a burst of keystrokes
// costs one parse.
import * as vscode from 'vscode';
import type { FindingSeverity } from '../../protocol/schedule';
import { isScheduleDocument, readDocument } from './scheduleDocuments';

export const DIAGNOSTIC_SOURCE = 'Diffusion Lab';
const DEBOUNCE_MS = 150;

const SEVERITY: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function registerScheduleDiagnostics(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('diffusionLab.schedule');
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (document: vscode.TextDocument) => {
    if (isScheduleDocument(document)) collection.set(document.uri, diagnosticsFor(document));
  };
  const later = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => (timers.delete(key), refresh(document)), DEBOUNCE_MS));
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

export function diagnosticsFor(document: vscode.TextDocument): vscode.Diagnostic[] {
  const doc = readDocument(document);
  if (!doc) return [];
  return doc.findings.map((f) => {
    const range = new vscode.Range(document.positionAt(f.offset), document.positionAt(f.offset + f.length));
    const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = f.code;
    return d;
  });
}
