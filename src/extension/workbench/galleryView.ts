// The side-panel view: the live preview of the run in progress and the gallery of stored runs.
// Clicking a run opens it in the generate panel.
import * as vscode from 'vscode';
import {
  parseFromGallery,
  type GalleryItem,
  type LiveProgress,
  type StepFrame,
  type ToGallery,
} from '../../protocol/workbench';
import type { Log } from '../log';
import { PanelOpenTimer } from '../panelOpenTimer';
import type { ImageActions } from './imageActions';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import type { RunService } from '../runService';
import type { RunStore } from './runStore';

export const GALLERY_VIEW_ID = 'diffusionLab.gallery';

export class GalleryView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly runs: RunService,
    private readonly actions: ImageActions,
    private readonly openRun: (runId: string) => void,
    private readonly log: Log,
  ) {
    this.subscription = runs.subscribe({
      started: (run) => this.post({ type: 'liveStarted', runId: run.id }),
      step: (runId, frame) => this.post({ type: 'liveStep', runId, progress: progressOf(frame) }),
      finished: (run) => {
        if (run.status === 'done')
          void store.thumbnails(run.id).then((thumbnails) => this.post({ type: 'item', item: { run, thumbnails } }));
        else this.post({ type: 'liveEnded', runId: run.id });
      },
      updated: (run) => this.post({ type: 'updated', run }),
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { surface: 'gallery', title: 'Diffusion runs' });
    const timer = new PanelOpenTimer('gallery', this.log);
    const messages = view.webview.onDidReceiveMessage((m) => {
      if (timer.receive(m)) return;
      const message = parseFromGallery(m);
      if (!message) return this.log.warn('gallery: ignored a malformed message');
      const failed = (e: unknown) => this.log.error(`gallery: ${(e as Error).message}`);
      if (message.type === 'ready') this.sendSnapshot().catch(failed);
      else if (message.type === 'removeRun') this.removeRun(message.runId).catch(failed);
      else if (message.type === 'imageAction') this.actions.perform(message, notifyByToast).catch(failed);
      else this.openRun(message.runId);
    });
    view.onDidDispose(() => {
      messages.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private async sendSnapshot(): Promise<void> {
    const items: GalleryItem[] = await Promise.all(
      (await this.store.list()).map(async (run) => ({ run, thumbnails: await this.store.thumbnails(run.id) })),
    );
    const live = this.runs.liveFrames;
    const last = live?.frames[live.frames.length - 1];
    this.post({ type: 'snapshot', items, live: live && { runId: live.run.id, progress: last && progressOf(last) } });
  }

  private async removeRun(runId: string): Promise<void> {
    const run = (await this.store.list()).find((r) => r.id === runId);
    if (!run) return;
    const choice = await vscode.window.showWarningMessage(
      `Remove the run "${run.spec.prompt || 'no prompt'}" (seed ${run.spec.seed}) from the gallery?`,
      { modal: true, detail: 'Its captured steps go with it. Images saved into the output folder are kept.' },
      'Remove',
    );
    if (choice !== 'Remove') return;
    await this.store.remove(runId);
    this.log.info(`gallery: removed run ${runId}`);
    this.post({ type: 'removed', runId });
  }

  private post(message: ToGallery): void {
    void this.view?.webview.postMessage(message);
  }
}

/** The side panel has no room for a notice line: what an action did shows as a notification. */
function notifyByToast(message: string, isError?: boolean): void {
  void (isError ? vscode.window.showErrorMessage : vscode.window.showInformationMessage)(`Diffusion Lab: ${message}`);
}

function progressOf(frame: StepFrame): LiveProgress {
  return { step: frame.step, totalSteps: frame.totalSteps, preview: frame.preview };
}
