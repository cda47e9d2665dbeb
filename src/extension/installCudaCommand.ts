// "Diffusion: Install CUDA Provider": the explicit opt-in download that npm install skips (see .npmrc).
import * as vscode from 'vscode';
import { installCudaProvider } from '../runs/cudaInstall';
import { showErrorWithLog, type Log } from './log';

export function registerInstallCuda(context: vscode.ExtensionContext, log: Log): void {
  context.subscriptions.push(vscode.commands.registerCommand('diffusionLab.installCuda', () => installCuda(log)));
}

async function installCuda(log: Log): Promise<void> {
  const go = await vscode.window.showWarningMessage(
    "Download onnxruntime's CUDA 12 provider (about 400 MB)? It needs an NVIDIA GPU with CUDA 12 and cuDNN 9 installed.",
    { modal: true },
    'Download',
  );
  if (go !== 'Download') return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Diffusion: installing the CUDA provider' },
    () => installCudaProvider((text) => log.info(`install-cuda: ${text.trimEnd()}`)),
  );
  if (!result.ok) {
    log.error(result.message);
    showErrorWithLog(log, `Diffusion Lab: ${result.message}`);
    return;
  }
  log.info(result.message);
  // The engine process has onnxruntime loaded already; a fresh one sees the new provider.
  const choice = await vscode.window.showInformationMessage(
    `Diffusion Lab: ${result.message} Reload the window to start a fresh engine.`,
    'Reload Window',
  );
  if (choice === 'Reload Window') await vscode.commands.executeCommand('workbench.action.reloadWindow');
}
