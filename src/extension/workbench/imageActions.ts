// The actions every image offers (src/protocol/imageActions.ts), done on the host for the
// workbench, the gallery and the image panel alike. The image is looked up in the run store by run
// id and index; a webview never gives a path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunOptions } from '../../protocol/engine';
import type { ImageActionMessage, ImageRef } from '../../protocol/imageActions';
import { formatParameters } from '../../runs/a1111Parameters';
import { imageSpec } from '../../runs/imageSpec';
import { toA1111 } from '../../runs/runRecord';
import type { Log } from '../log';
import type { CompletedRun, RunService } from '../runService';
import { resolveOutputDir } from '../settings';
import type { RunStore } from './runStore';

/** How a re-run runs: with the workbench's step viewer (latent previews every step). */
export const VIEWER_OPTIONS: Omit<RunOptions, 'provider'> = {
  preview: { every: 1, kind: 'latent' },
  captureLatents: true,
};

/** Tells the surface that asked what happened (a copied seed, a missing file). */
export type Notify = (message: string, isError?: boolean) => void;

export class ImageActions {
  constructor(
    private readonly deps: {
      runs: RunService;
      store: RunStore;
      log: Log;
      openWorkbench(runId: string): void;
      useAsInitImage(ref: ImageRef): Promise<void>;
    },
  ) {}

  /** Does an action; for a re-run or a varied seed, the new run once it has finished. */
  async perform(m: ImageActionMessage, notify: Notify): Promise<CompletedRun | undefined> {
    const { store, runs } = this.deps;
    const summary = (await store.list()).find((r) => r.id === m.runId);
    const record = (await store.records(m.runId))?.[m.index];
    if (!summary || !record) {
      notify('That image is no longer in the gallery.', true);
      return undefined;
    }
    switch (m.action) {
      case 'open':
        return void this.deps.openWorkbench(m.runId);
      case 'rerun':
      case 'varySeed': {
        const spec = imageSpec(record, m.action === 'varySeed');
        const { modelLabel, scheduleLabel } = summary;
        return runs.run({
          spec,
          modelLabel,
          scheduleLabel,
          options: VIEWER_OPTIONS,
          origin: `image action ${m.action}`,
          // Asked from the image panel or the gallery too, which show no progress of their own.
          progress: 'notification',
        });
      }
      case 'copySeed':
        await vscode.env.clipboard.writeText(String(record.seed));
        return void notify(`Copied seed ${record.seed}`);
      case 'copyParameters':
        await vscode.env.clipboard.writeText(formatParameters(toA1111(record)));
        return void notify('Copied the parameters (A1111 format)');
      case 'reveal':
        return void (await this.reveal(summary.images[m.index]?.savedAs, notify));
      case 'initImage':
        return void (await this.deps.useAsInitImage({ runId: m.runId, index: m.index }));
      case 'forward': {
        const path = savedPath(summary.images[m.index]?.savedAs, notify);
        if (path) await vscode.commands.executeCommand('diffusionLab.showForwardProcess', vscode.Uri.file(path));
        return undefined;
      }
    }
  }

  private async reveal(savedAs: string | undefined, notify: Notify): Promise<void> {
    const path = savedPath(savedAs, notify);
    if (!path) return;
    const uri = vscode.Uri.file(path);
    // The explorer shows files of the workspace only; anything else opens in an editor.
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'vscode.open', uri);
    this.deps.log.info(`image action: revealed ${path}`);
  }
}

/** The saved file of an image, or undefined (the user told why) when it is not saved or has gone. */
function savedPath(savedAs: string | undefined, notify: Notify): string | undefined {
  const dir = resolveOutputDir();
  const path = savedAs && dir ? join(dir, savedAs) : undefined;
  if (!path) return void notify('This image is not saved: press Save first (or set diffusionLab.outputFolder).', true);
  if (!existsSync(path)) return void notify(`${savedAs} is no longer in the output folder.`, true);
  return path;
}
