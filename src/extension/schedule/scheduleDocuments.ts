// One reading of each open schedule document per version, shared by diagnostics, hovers, quick
// fixes and the inspector webviews, so typing parses the text once however many features ask.
import * as vscode from 'vscode';
import type { InspectorFinding, ScheduleSource } from '../../protocol/schedule';
import { documentKind, readScheduleDocument, type ScheduleDocument } from '../../documents/scheduleDocument';

const cache = new WeakMap<vscode.TextDocument, { version: number; doc: ScheduleDocument }>();

export function isScheduleDocument(document: vscode.TextDocument): boolean {
  return documentKind(document.fileName) !== undefined;
}

/** The reading of a schedule document, or undefined for any other file. */
export function readDocument(document: vscode.TextDocument): ScheduleDocument | undefined {
  const kind = documentKind(document.fileName);
  if (!kind) return undefined;
  const hit = cache.get(document);
  if (hit && hit.version === document.version) return hit.doc;
  const doc = readScheduleDocument(document.getText(), kind, scheduleName(document.uri));
  cache.set(document, { version: document.version, doc });
  return doc;
}

/** What the webview is sent: schedules and findings with line numbers instead of offsets. */
export function toSource(
  id: string,
  label: string,
  doc: ScheduleDocument,
  lineAt: (offset: number) => number,
): ScheduleSource {
  const findings: InspectorFinding[] = doc.findings.map((f) => ({
    severity: f.severity,
    message: f.message,
    code: f.code,
    path: f.path,
    line: lineAt(f.offset),
  }));
  return { id, label, schedules: doc.schedules, findings, ...(doc.error ? { error: doc.error } : {}) };
}

/** A readable name for a file's schedule: scheduler_config.json is named for its model folder. */
export function scheduleName(uri: vscode.Uri): string {
  const parts = uri.path.split('/');
  const base = parts.pop() ?? '';
  if (base !== 'scheduler_config.json') return base.replace(/\.schedule\.json$/, '');
  const parent = parts.pop();
  // diffusers layout: <model>/scheduler/scheduler_config.json
  return parent === 'scheduler' ? (parts.pop() ?? parent) : (parent ?? base);
}
