// The extension's settings, read fresh on each use, and the model/output folders they resolve to.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ProviderName } from '../protocol/engine';
import { isInsideAny, realFolder, resolveSettingPath } from './settingPaths';

const PROVIDERS: readonly ProviderName[] = ['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu'];

/** A problem the user can fix; shown as-is, without a stack. */
export class UserError extends Error {}

export function readProvider(): ProviderName {
  const value = vscode.workspace.getConfiguration('diffusionLab').get<string>('provider', 'auto');
  return PROVIDERS.includes(value as ProviderName) ? (value as ProviderName) : 'auto';
}

/** Whether each saved PNG gets its record as a JSON file beside it (the PNG carries it anyway). */
export function readSaveRecordJson(): boolean {
  return vscode.workspace.getConfiguration('diffusionLab').get<boolean>('saveRecordJson', false);
}

/** The model folder to load: the setting, or the shipped default model when it is empty. */
export function resolveModelDir(extensionUri: vscode.Uri): string {
  const setting = vscode.workspace.getConfiguration('diffusionLab').get<string>('modelPath', '').trim();
  if (!setting) return join(extensionUri.fsPath, 'models', 'tiny-shapes');
  const dir = resolveSettingPath(setting, workspaceFolders()[0]);
  if (!dir)
    throw new UserError(
      `diffusionLab.modelPath is the relative path "${setting}" but no folder is open: use an absolute path.`,
    );
  // VS Code already ignores workspace values of this setting when untrusted (restrictedConfigurations);
  // this also stops a user-level relative path from reaching into the untrusted workspace.
  checkModelTrust(dir);
  return dir;
}

/** The folder generated images are saved into, or undefined when saving is off or there is nowhere to save. */
export function resolveOutputDir(): string | undefined {
  const setting = vscode.workspace.getConfiguration('diffusionLab').get<string>('outputFolder', '').trim();
  const dir = setting ? resolveSettingPath(setting, workspaceFolders()[0]) : undefined;
  // An untrusted workspace may ship its output folder as a symlink that leads out of it.
  if (
    dir &&
    !vscode.workspace.isTrusted &&
    isInsideAny(dir, workspaceFolders()) &&
    !isInsideAny(realFolder(dir), workspaceFolders().map(realFolder))
  ) {
    throw new UserError(
      `Diffusion Lab does not save through ${dir}: in an untrusted workspace it leads outside the workspace. Trust the workspace or choose another diffusionLab.outputFolder.`,
    );
  }
  return dir;
}

/** Whether a model folder may load: not from inside an untrusted workspace (see capabilities in
 * package.json), symlinks followed. */
export function modelAllowed(dir: string): boolean {
  return vscode.workspace.isTrusted || !isInsideAny(realFolder(dir), workspaceFolders().map(realFolder));
}

/** Refuses a model folder that may not load, saying why. */
export function checkModelTrust(dir: string): void {
  if (!modelAllowed(dir)) {
    throw new UserError(
      `Diffusion Lab does not load model folders from an untrusted workspace (${dir}). Trust the workspace, or leave diffusionLab.modelPath empty to use the default model.`,
    );
  }
}

function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}
