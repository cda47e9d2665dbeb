// The extension's settings, read fresh on each use, and the model/output folders they resolve to.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ProviderName } from '../protocol/engine';
import { isInsideAny, resolveSettingPath } from './settingPaths';

const PROVIDERS: readonly ProviderName[] = ['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu'];

/** A problem the user can fix; shown as-is, without a stack. */
export class UserError extends Error {}

export function readProvider(): ProviderName {
  const value = vscode.workspace.getConfiguration('diffusionLab').get<string>('provider', 'auto');
  return PROVIDERS.includes(value as ProviderName) ? (value as ProviderName) : 'auto';
}

/** The model folder to load: the setting, or the shipped default model when it is empty. */
export function resolveModelDir(extensionUri: vscode.Uri): string {
  const setting = vscode.workspace.getConfiguration('diffusionLab').get<string>('modelPath', '').trim();
  if (!setting) return join(extensionUri.fsPath, 'models', 'tiny-shapes');
  const dir = resolveSettingPath(setting, workspaceFolders()[0]);
  if (!dir) throw new UserError(`diffusionLab.modelPath is the relative path "${setting}" but no folder is open: use an absolute path.`);
  // VS Code already ignores workspace values of this setting when untrusted (restrictedConfigurations);
  // this also stops a user-level relative path from reaching into the untrusted workspace.
  if (!vscode.workspace.isTrusted && isInsideAny(dir, workspaceFolders())) {
    throw new UserError(
      `Diffusion Lab does not load model folders from an untrusted workspace (${dir}). Trust the workspace, or leave diffusionLab.modelPath empty to use the default model.`,
    );
  }
  return dir;
}

/** The folder generated images are saved into, or undefined when saving is off or there is nowhere to save. */
export function resolveOutputDir(): string | undefined {
  const setting = vscode.workspace.getConfiguration('diffusionLab').get<string>('outputFolder', '').trim();
  return setting ? resolveSettingPath(setting, workspaceFolders()[0]) : undefined;
}

function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}
