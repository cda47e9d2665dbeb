// The panel that shows the latest generated images, each with its actions (open in the workbench,
// re-run, vary seed, copy, reveal). One panel, reused; the webview asks for the current run when it
// starts, so the host keeps only the latest run. The run's PNGs are also kept in the extension's
// storage, so a window reload brings the panel back with its images. A re-run or a varied seed from
// here shows its result here.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseFromImagePanel, type FromImagePanel, type PanelRun, type ToImagePanel } from '../protocol/imagePanel';
import { classNameOf, RUN_LIMITS } from '../protocol/run';
import { decodeImage } from '../runs/decodeImage';
import type { Log } from './log';
import { PanelOpenTimer } from './panelOpenTimer';
import { whileOpen } from './panelRevival';
import type { CompletedRun } from './runService';
import type { ImageActions } from './workbench/imageActions';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const IMAGE_PANEL_VIEW_TYPE = 'diffusionLab.image';

/** What is kept of the last run: the panel's text and each image as its PNG file. */
interface StoredRun {
  runId?: string;
  prompt: string;
  summary: string;
  captions: string[];
}

export class ImagePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private run: PanelRun | undefined;
  private readonly serializer: vscode.Disposable;

  /** `storageDir`: a folder of the extension's own where the last run's PNGs are kept. */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly storageDir: string,
    private readonly actions: ImageActions,
    private readonly log: Log,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(IMAGE_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel) => this.revive(panel),
    });
  }

  /** Shows a finished run, opening the panel beside the editor if it is not open. */
  async showRun(finished: CompletedRun): Promise<void> {
    await this.show(
      panelRunOf(finished),
      finished.images.map((image) => image.png),
    );
  }

  /** Shows a run; `pngs` are its images' files. Kept first: a window reloaded as soon as the image shows
   * must still bring it back (it did not when the reload overtook the files being written). */
  private async show(run: PanelRun, pngs: Uint8Array[]): Promise<void> {
    this.run = run;
    await this.keep(run, pngs).catch((error) =>
      this.log.warn(`image panel: could not keep the last run for a reload: ${(error as Error).message}`),
    );
    if (this.panel) {
      this.panel.reveal(undefined, true);
      this.post({ type: 'run', run });
      return;
    }
    this.panel = vscode.window.createWebviewPanel(
      IMAGE_PANEL_VIEW_TYPE,
      'Diffusion: Image',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri),
    );
    this.attach(this.panel);
  }

  dispose(): void {
    this.serializer.dispose();
    this.panel?.dispose();
  }

  /** After a window reload VS Code hands back the panel it had open; it shows the last kept run, or
   * (when its files are gone) the empty state, which points at the Runs gallery. */
  private async revive(panel: vscode.WebviewPanel): Promise<void> {
    const { value, open } = await whileOpen(panel, async () => this.run ?? (await this.restore()));
    this.run ??= value;
    if (!open) return;
    this.panel?.dispose();
    this.panel = panel;
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { surface: 'image', title: 'Diffusion: Image' });
    const timer = new PanelOpenTimer('image panel', this.log);
    panel.webview.onDidReceiveMessage((m) => {
      if (timer.receive(m)) return;
      const message = parseFromImagePanel(m);
      if (!message) return this.log.warn('image panel: ignored a malformed message');
      this.handle(message).catch((error) => this.notify(`${(error as Error).message}`, true));
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private async handle(message: FromImagePanel): Promise<void> {
    if (message.type === 'ready') return this.post(this.run ? { type: 'run', run: this.run } : { type: 'empty' });
    const made = await this.actions.perform(message, (text, isError) => this.notify(text, isError));
    if (made) await this.showRun(made);
  }

  private notify(message: string, isError = false): void {
    this.post({ type: 'notice', level: isError ? 'error' : 'info', message });
  }

  private post(message: ToImagePanel): void {
    void this.panel?.webview.postMessage(message);
  }

  /** Writes the run into a folder of its own, then puts it in place of the last one: a reload halfway
   * finds the last run whole rather than a mix, or nothing. */
  private async keep(run: PanelRun, pngs: Uint8Array[]): Promise<void> {
    const dir = join(this.storageDir, 'last-image-run');
    const next = `${dir}.next`;
    await rm(next, { recursive: true, force: true });
    await mkdir(next, { recursive: true });
    await Promise.all(pngs.map((png, i) => writeFile(join(next, `${i}.png`), png)));
    const stored: StoredRun = {
      runId: run.runId,
      prompt: run.prompt,
      summary: run.summary,
      captions: run.images.map((image) => image.caption),
    };
    await writeFile(join(next, 'run.json'), JSON.stringify(stored));
    await rm(dir, { recursive: true, force: true });
    await rename(next, dir);
  }

  private async restore(): Promise<PanelRun | undefined> {
    const dir = join(this.storageDir, 'last-image-run');
    try {
      const stored = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as StoredRun;
      const images = await Promise.all(
        stored.captions.map(async (caption, i) => {
          const { width, height, rgba } = await decodeImage(await readFile(join(dir, `${i}.png`)), RUN_LIMITS.side.max);
          return { width, height, rgba, caption };
        }),
      );
      return { runId: stored.runId, prompt: stored.prompt, summary: stored.summary, images };
    } catch (error) {
      // Nothing kept yet (a first run) is not worth a log line; anything else is.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.warn(`image panel: the last run could not be restored: ${(error as Error).message}`);
      return undefined;
    }
  }
}

/** The panel's view of a finished run: its prompt, one summary line and each image with a caption. */
export function panelRunOf({ runId, info, images, createdAt }: CompletedRun): PanelRun {
  const { spec } = info;
  const seconds = ((Date.now() - createdAt.getTime()) / 1000).toFixed(1);
  const sampler = classNameOf(info.scheduler) ?? 'scheduler';
  return {
    runId,
    prompt: spec.prompt,
    summary: `${spec.steps} steps · guidance ${spec.guidanceScale} · ${sampler} · ${info.model.name} · ${info.provider} · ${seconds} s`,
    images: images.map((image, i) => ({
      width: image.width,
      height: image.height,
      rgba: image.rgba.slice(),
      caption: `seed ${info.seeds[i]}${spec.subseedStrength ? ` · variation ${spec.subseed! + i} × ${spec.subseedStrength}` : ''} · ${image.width}×${image.height}`,
    })),
  };
}
