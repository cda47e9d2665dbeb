// The models the workbench offers: the default (setting or shipped model), folders with a
// model_index.json in the (trusted) workspace, and folders the user browsed to. Webviews see
// opaque ids; only this class maps an id back to a folder.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_GUIDANCE, readModelFolder } from '../../modelFolder/modelFolder';
import { readModelFit } from '../../runs/modelFitReader';
import { familyOption } from './modelFamilyOption';
import type { ModelOption, ViewerPreview } from '../../protocol/workbench';
import { checkModelTrust, modelAllowed, resolveModelDir } from '../settings';

const BROWSED_KEY = 'diffusionLab.workbench.browsedModels';
const DEFAULT_SIZE = 512;

interface Entry extends ModelOption {
  dir: string;
}

export class ModelCatalog {
  private entries: Entry[] = [];
  /** The latest rescan, so one started while a panel loads serves the panel's snapshot. */
  private scan: { startedAt: number; done: Promise<ModelOption[]> } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Rescans, or shares a rescan started at or after `since` (Date.now() ms); the first entry is the
   * default model. The workspace search for model folders is the slow part (~100 ms in code-server). */
  refresh(since = Date.now()): Promise<ModelOption[]> {
    if (!this.scan || this.scan.startedAt < since) this.scan = { startedAt: Date.now(), done: this.rescan() };
    return this.scan.done;
  }

  private async rescan(): Promise<ModelOption[]> {
    const dirs: string[] = [];
    try {
      dirs.push(resolveModelDir(this.context.extensionUri));
    } catch (error) {
      this.log.warn(`default model: ${(error as Error).message}`);
    }
    // Model folders in an untrusted workspace are not offered (see capabilities in package.json).
    if (vscode.workspace.isTrusted) {
      const found = await vscode.workspace.findFiles('**/model_index.json', '**/node_modules/**', 50);
      dirs.push(...found.map((uri) => dirname(uri.fsPath)).sort());
    }
    dirs.push(
      ...this.context.workspaceState.get<string[]>(BROWSED_KEY, []).filter((d) => existsSync(d) && modelAllowed(d)),
    );
    this.entries = [...new Set(dirs)].map((dir, i) => this.describe(dir, i === 0));
    return this.options();
  }

  options(): ModelOption[] {
    return this.entries.map(({ dir: _dir, ...option }) => option);
  }

  dir(id: string): string | undefined {
    return this.entries.find((e) => e.id === id)?.dir;
  }

  label(id: string): string {
    return this.entries.find((e) => e.id === id)?.label ?? 'unknown model';
  }

  /** The entry for a folder, or one whose folder name or hash-free name matches (re-run from image). */
  find(model: { dir?: string; name?: string }): ModelOption | undefined {
    return (
      this.entries.find((e) => model.dir !== undefined && e.dir === model.dir) ??
      this.entries.find((e) => model.name !== undefined && basename(e.dir) === model.name)
    );
  }

  /** Asks for a folder; returns its id, or undefined when cancelled. Throws when it is not a model. */
  async browse(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Use this model',
    });
    const dir = picked?.[0]?.fsPath;
    if (!dir) return undefined;
    if (!existsSync(join(dir, 'model_index.json')))
      throw new Error(`${dir} has no model_index.json: choose a diffusers/Optimum ONNX model folder.`);
    checkModelTrust(dir);
    const browsed = this.context.workspaceState.get<string[]>(BROWSED_KEY, []);
    if (!browsed.includes(dir)) await this.context.workspaceState.update(BROWSED_KEY, [...browsed, dir]);
    await this.refresh();
    return idOf(dir);
  }

  private describe(dir: string, isDefault: boolean): Entry {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const rel = base ? relative(base, dir) : '';
    const shown = rel && !rel.startsWith('..') ? rel : basename(dir);
    try {
      const folder = readModelFolder(dir);
      // A pixel-space model takes its own size; a latent one any multiple of the VAE's scale.
      const sizeMultiple = folder.kind === 'unconditional' ? (folder.sampleSize ?? 8) : folder.vaeScale;
      const fit = readModelFit(dir);
      // The size a run without one takes: the UNet's own (fixed axes, else sample_size), else its family's.
      const nativeSize = typeof fit === 'string' ? DEFAULT_SIZE : fit.recommended.width;
      const previews: ViewerPreview[] = ['latent'];
      if (folder.files.taesdDecoder) previews.push('taesd');
      if (folder.files.vaeDecoder) previews.push('vae');
      const label = isDefault ? `${shown} (default)` : shown;
      return { id: idOf(dir), dir, label, sizeMultiple, nativeSize, previews, fit, ...familyOption(folder) };
    } catch (error) {
      this.log.warn(`model folder ${dir}: ${(error as Error).message}`);
      return {
        id: idOf(dir),
        dir,
        label: `${shown} (unreadable: see log)`,
        sizeMultiple: 8,
        nativeSize: DEFAULT_SIZE,
        guidanceScale: DEFAULT_GUIDANCE,
        previews: ['latent'],
      };
    }
  }
}

function idOf(dir: string): string {
  return createHash('sha1').update(dir).digest('hex').slice(0, 12);
}
