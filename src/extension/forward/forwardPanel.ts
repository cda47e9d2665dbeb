// The forward-process view's panel: sends the image (read and downsized here) and the schedules it
// draws, follows a schedule document live as the schedule preview does, and saves the PNG strip the
// webview exports. One panel; opening it again points it at the new image (and schedule, if given).
// Restored after a window reload by a serializer, from the sources kept in workspace state.
import { basename, dirname, extname } from 'node:path';
import * as vscode from 'vscode';
import {
  parseForwardMessage,
  type ForwardImage,
  type ForwardSchedules,
  type HostToForward,
} from '../../protocol/forward';
import { writeNewFile } from '../../runs/writeNewFile';
import type { Log } from '../log';
import { PanelOpenTimer } from '../panelOpenTimer';
import { documentKind, readScheduleDocument } from '../../documents/scheduleDocument';
import { readDocument, scheduleName } from '../schedule/scheduleDocuments';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { readForwardImage } from './forwardImage';
import type { ForwardLatents } from './forwardLatents';
import { forwardSchedules, type NamedDocument } from './forwardSchedules';

export const FORWARD_VIEW_TYPE = 'diffusionLab.forwardProcess';
const SOURCES_KEY = 'diffusionLab.forwardProcess.sources';
const UPDATE_DEBOUNCE_MS = 60;

/** What the view shows: an image, and the schedule document it follows (else the default set). */
export interface ForwardSources {
  image: vscode.Uri;
  schedule?: vscode.Uri;
  /** Schedule files drawn after the document's schedules (read once, as the preview's overlays). */
  overlays?: vscode.Uri[];
}

export class ForwardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private sources: ForwardSources | undefined;
  private document: vscode.TextDocument | undefined;
  private overlays: NamedDocument[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Whether the webview has said 'ready' (messages posted before that are lost). */
  private ready = false;
  /** The image last sent, and a key that changes with it (the engine encodes each image once). */
  private image: { image: ForwardImage; key: string } | undefined;
  private imageCount = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: vscode.Memento,
    private readonly log: Log,
    private readonly latents?: ForwardLatents,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document) this.scheduleUpdate();
      }),
      vscode.window.registerWebviewPanelSerializer(FORWARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.restore(panel),
      }),
    );
  }

  /** Opens the view on `sources`, or points the open one at them; without a schedule it keeps the
   * document it follows. */
  async show(sources: ForwardSources): Promise<void> {
    const followed = { schedule: this.sources?.schedule, overlays: this.sources?.overlays };
    const next = sources.schedule ? sources : { ...sources, ...followed };
    if (!this.panel) {
      const options = webviewOptions(this.extensionUri);
      const panel = vscode.window.createWebviewPanel(FORWARD_VIEW_TYPE, title(next), newColumn(next), options);
      this.attach(panel);
    }
    await this.load(next);
    this.panel?.reveal(undefined, true);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private async restore(panel: vscode.WebviewPanel): Promise<void> {
    const saved = this.state.get<{ image?: unknown; schedule?: unknown; overlays?: unknown }>(SOURCES_KEY);
    if (this.panel || typeof saved?.image !== 'string') {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel);
    const uris = Array.isArray(saved.overlays) ? saved.overlays : [];
    const overlays = uris.filter((u): u is string => typeof u === 'string');
    await this.load({
      image: vscode.Uri.parse(saved.image),
      schedule: typeof saved.schedule === 'string' ? vscode.Uri.parse(saved.schedule) : undefined,
      overlays: overlays.map((u) => vscode.Uri.parse(u)),
    });
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    const page = { surface: 'forward', title: 'Forward process' };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, page);
    const timer = new PanelOpenTimer('forward view', this.log);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!timer.receive(m)) void this.handle(m);
    });
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      clearTimeout(this.timer);
      this.panel = this.sources = this.document = undefined;
    });
  }

  /** Reads the sources, and sends them once the webview listens (else its 'ready' will ask). */
  private async load(sources: ForwardSources): Promise<void> {
    this.panel!.title = title(sources);
    await this.state.update(SOURCES_KEY, {
      image: sources.image.toString(),
      schedule: sources.schedule?.toString(),
      overlays: sources.overlays?.map((u) => u.toString()),
    });
    const schedule = sources.schedule;
    const document = schedule
      ? await vscode.workspace.openTextDocument(schedule).then(undefined, () => undefined)
      : undefined;
    const overlays = await Promise.all((sources.overlays ?? []).map(readOverlay));
    // Set together, so a 'ready' arriving meanwhile sends the old sources or the new, never a mix.
    this.sources = sources;
    this.document = document;
    this.overlays = overlays;
    if (this.ready) await this.sendAll();
  }

  private async sendAll(): Promise<void> {
    this.sendSchedules();
    await this.sendImage();
  }

  private async sendImage(): Promise<void> {
    const uri = this.sources?.image;
    if (!uri) return;
    try {
      const image = await readForwardImage(await vscode.workspace.fs.readFile(uri), basename(uri.path));
      this.image = { image, key: `${uri.toString()}#${++this.imageCount}` };
      this.post({ type: 'image', image });
    } catch (error) {
      const message =
        error instanceof vscode.FileSystemError
          ? `${basename(uri.path)} could not be read: ${error.message}`
          : (error as Error).message;
      this.log.warn(`forward view: ${message}`);
      this.post({ type: 'notice', level: 'error', message });
      void vscode.window.showErrorMessage(`Forward process: ${message}`);
    }
  }

  private sendSchedules(): void {
    const schedule = this.sources?.schedule;
    let source: ForwardSchedules = { schedules: [] };
    if (schedule && this.document) {
      const doc = readDocument(this.document);
      if (doc) source = forwardSchedules({ label: scheduleName(schedule), doc }, this.overlays);
    } else if (schedule) {
      source = { label: scheduleName(schedule), schedules: [], error: 'the schedule file could not be opened' };
    }
    this.post({ type: 'schedules', version: this.document?.version ?? 0, source });
  }

  private scheduleUpdate(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sendSchedules(), UPDATE_DEBOUNCE_MS);
  }

  private async handle(value: unknown): Promise<void> {
    const message = parseForwardMessage(value);
    if (typeof message === 'string') {
      this.log.warn(`forward view: refused a message from the webview: ${message}`);
      return;
    }
    try {
      if (message.type === 'ready') {
        this.ready = true;
        await this.sendAll();
      } else if (message.type === 'latent') {
        const shown = this.image;
        if (!shown) return;
        if (!this.latents) {
          this.post({ type: 'latentFailed', request: message.request, message: 'no engine to encode with' });
          return;
        }
        const answer = await this.latents.answer(shown.image, shown.key, message);
        if (answer.type === 'latentFailed') this.log.warn(`forward view: latent space: ${answer.message}`);
        this.post(answer);
      } else await this.saveStrip(message.fileName, message.bytes);
    } catch (error) {
      void vscode.window.showErrorMessage(`Forward process: ${(error as Error).message}`);
    }
  }

  /** Saves where the user picks, as a new file: an existing name gets a number (never overwritten). */
  private async saveStrip(fileName: string, bytes: Uint8Array): Promise<void> {
    const image = this.sources?.image;
    if (!image) return;
    // The webview proposes only a base name; the folder is the image's.
    const base = basename(fileName).replace(/[^\w.\- ]/g, '_');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(image, '..', base),
      filters: { 'PNG image': ['png'] },
      saveLabel: 'Export strip',
    });
    if (!target) return;
    if (target.scheme !== 'file') {
      throw new Error(`cannot export to ${target.toString()}: only local folders are supported`);
    }
    const ext = extname(target.fsPath) || '.png';
    const path = await writeNewFile(dirname(target.fsPath), basename(target.fsPath, ext), ext, bytes);
    this.log.info(`forward view: exported ${path}`);
    void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(path)}`);
  }

  private post(message: HostToForward): void {
    void this.panel?.webview.postMessage(message);
  }
}

async function readOverlay(uri: vscode.Uri): Promise<NamedDocument> {
  const label = vscode.workspace.asRelativePath(uri);
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    // A JSON file that is neither kind by name is read as a scheduler config, as the preview reads it.
    return { label, doc: readScheduleDocument(text, documentKind(uri.path) ?? 'config', scheduleName(uri)) };
  } catch (error) {
    const why = `not readable: ${(error as Error).message}`;
    return { label, doc: { kind: 'config', root: undefined, schedules: [], findings: [], error: why } };
  }
}

/** Beside the active editor; when following a document, a group of its own to the right of all, so
 * the document being edited and its schedule preview stay in view. */
function newColumn(sources: ForwardSources): vscode.ViewColumn {
  if (!sources.schedule) return vscode.ViewColumn.Beside;
  return Math.min(vscode.ViewColumn.Nine, Math.max(...vscode.window.tabGroups.all.map((g) => g.viewColumn)) + 1);
}

function title(sources: ForwardSources): string {
  const schedule = sources.schedule ? ` · ${scheduleName(sources.schedule)}` : '';
  return `Forward: ${basename(sources.image.path)}${schedule}`;
}
