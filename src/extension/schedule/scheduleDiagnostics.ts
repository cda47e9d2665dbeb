// Problems-panel entries for schedule documents, from the document reading (syntax, file format)
// and the core's config findings.
import * as vscode from 'vscode';
import { registerDocumentDiagnostics, toDiagnostic } from '../documentDiagnostics';
import { isScheduleDocument, readDocument } from './scheduleDocuments';

export { DIAGNOSTIC_SOURCE } from '../documentDiagnostics';

export function registerScheduleDiagnostics(context: vscode.ExtensionContext): void {
  registerDocumentDiagnostics(context, 'diffusionLab.schedule', isScheduleDocument, diagnosticsFor);
}

export function diagnosticsFor(document: vscode.TextDocument): vscode.Diagnostic[] {
  return readDocument(document)?.findings.map((f) => toDiagnostic(document, f)) ?? [];
}
