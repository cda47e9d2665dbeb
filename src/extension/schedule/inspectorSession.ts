// Binds one inspector webview to one schedule document: sends the document's schedules after each
// edit (debounced), keeps the overlays the user added, and carries out what the webview asks for
// (save an export, run the workbench, reveal a line). Used by the preview panel and the custom editor.
// The overlays' file URIs are kept in workspace state under the session's key, so a window reload
// brings them back.
import { asSchedulerClass } from '../../core/config/asSchedulerClass';
import * as vscode from 'vscode';
import {
  isInspectorMessage,
  type HostToInspector,
  type InspectorToHost,
  type ScheduleSource,
} from '../../protocol/schedule';
import type { RunSchedule } from '../../protocol/workbench';
import { documentKind, readScheduleDocument } from '../../documents/scheduleDocument';
import { readDocument, scheduleName, toSource } from './scheduleDocuments';

const UPDATE_DEBOUNCE_MS = 60;

export class InspectorSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly overlays = new Map<string, ScheduleSource>();
  private readonly overlayUris = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private nextOverlayId = 1;

  constructor(
    private readonly webview: vscode.Webview,
    private document: vscode.TextDocument,
    private readonly store: { state: vscode.Memento; key: string },
  ) {
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (isInspectorMessage(m)) void this.handle(m);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document) this.scheduleUpdate();
      }),
    );
  }

  get documentUri(): vscode.Uri {
    return this.document.uri;
  }

  /** Follow another document (the preview follows the active editor). */
  setDocument(document: vscode.TextDocument): void {
    if (document === this.document) return;
    this.document = document;
    this.sendDocument();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private scheduleUpdate(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sendDocument(), UPDATE_DEBOUNCE_MS);
  }

  private sendDocument(): void {
    const doc = readDocument(this.document);
    if (!doc) return;
    const label = scheduleName(this.document.uri);
    const source = toSource('document', label, doc, (offset) => this.document.positionAt(offset).line);
    this.post({ type: 'document', version: this.document.version, source });
  }

  private post(message: HostToInspector): void {
    void this.webview.postMessage(message);
  }

  private async handle(message: InspectorToHost): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          // Overlays first, so the first plots drawn already show them.
          if (this.overlays.size === 0) await this.restoreOverlays();
          this.post({ type: 'overlays', overlays: [...this.overlays.values()] });
          this.sendDocument();
          return;
        case 'addOverlayFile':
          return await this.addOverlay();
        case 'removeOverlay':
          this.overlays.delete(message.id);
          this.overlayUris.delete(message.id);
          await this.saveOverlays();
          this.post({ type: 'overlays', overlays: [...this.overlays.values()] });
          return;
        case 'export':
          return await this.saveExport(message.fileName, message.data);
        case 'generate':
          return await this.generate(message.schedule, message.sampler, message.steps);
        case 'reveal':
          return await this.reveal(message.line);
        case 'showOnImage':
          return await this.showOnImage();
      }
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Schedule inspector: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async addOverlay(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Overlay',
      filters: { 'Schedule files': ['json'] },
      defaultUri: vscode.Uri.joinPath(this.document.uri, '..'),
    });
    for (const uri of picked ?? []) await this.loadOverlay(uri);
    await this.saveOverlays();
    this.post({ type: 'overlays', overlays: [...this.overlays.values()] });
  }

  private async loadOverlay(uri: vscode.Uri): Promise<void> {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    // A JSON file that is neither kind by name is read as a scheduler config.
    const doc = readScheduleDocument(text, documentKind(uri.path) ?? 'config', scheduleName(uri));
    const id = `overlay-${this.nextOverlayId++}`;
    const lineAt = (offset: number) => text.slice(0, offset).split('\n').length - 1;
    this.overlays.set(id, toSource(id, vscode.workspace.asRelativePath(uri), doc, lineAt));
    this.overlayUris.set(id, uri.toString());
  }

  /** Reads back the overlays kept before a reload; a file that has gone since is dropped with a note. */
  private async restoreOverlays(): Promise<void> {
    const saved = this.store.state.get<unknown>(this.store.key);
    const uris = Array.isArray(saved) ? saved.filter((u): u is string => typeof u === 'string') : [];
    const missing: string[] = [];
    for (const uri of uris) {
      await this.loadOverlay(vscode.Uri.parse(uri)).catch(() =>
        missing.push(vscode.workspace.asRelativePath(vscode.Uri.parse(uri))),
      );
    }
    if (missing.length) {
      await this.saveOverlays();
      void vscode.window.showWarningMessage(
        `Schedule inspector: overlay no longer readable, dropped: ${missing.join(', ')}`,
      );
    }
  }

  private saveOverlays(): Thenable<void> {
    return this.store.state.update(
      this.store.key,
      [...this.overlays.keys()].map((id) => this.overlayUris.get(id)),
    );
  }

  private async saveExport(fileName: string, data: Uint8Array | string): Promise<void> {
    // The webview proposes only a base name; the folder is the document's.
    const base = fileName.replace(/[^\w.\- ]/g, '_');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.document.uri, '..', base),
    });
    if (!target) return;
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}`);
  }

  /** The workbench runs what the inspector shows: the sampler class and step count chosen there. */
  private async generate(name: string, sampler: string, steps: number): Promise<void> {
    const entry = readDocument(this.document)?.schedules.find((s) => s.name === name);
    if (!entry) throw new Error(`no valid schedule named "${name}" in ${scheduleName(this.document.uri)}`);
    const config = sampler ? asSchedulerClass(entry.config, sampler) : entry.config;
    // An entry with only explicit steps has an empty config: the model's scheduler class runs them.
    const scheduler = Object.keys(config).length > 0 ? config : undefined;
    const explicit = entry.timesteps !== undefined || entry.sigmas !== undefined;
    const schedule: RunSchedule = {
      label: name,
      scheduler,
      timesteps: entry.timesteps,
      sigmas: entry.sigmas,
      ...(!explicit && { steps }),
    };
    await vscode.commands.executeCommand('diffusionLab.openWorkbench', { schedule });
  }

  /** The forward view follows this document, with the overlay files drawn here (read once). */
  private async showOnImage(): Promise<void> {
    const overlays = [...this.overlayUris.values()].map((u) => vscode.Uri.parse(u));
    await vscode.commands.executeCommand('diffusionLab.showForwardProcess', { schedule: this.document.uri, overlays });
  }

  private async reveal(line: number): Promise<void> {
    const column =
      vscode.window.visibleTextEditors.find((e) => e.document === this.document)?.viewColumn ?? vscode.ViewColumn.One;
    const editor = await vscode.window.showTextDocument(this.document, { viewColumn: column });
    const position = new vscode.Position(Math.min(line, this.document.lineCount - 1), 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
