// The extension's one engine client: its process starts on the first request, restarts after a
// crash, stops after diffusionLab.engineIdleMinutes without a request (freeing the model's memory),
// and stops with the extension.
import * as vscode from 'vscode';
import { EngineClient } from '../runs/engineClient';
import type { Log } from './log';

export function createEngine(context: vscode.ExtensionContext, log: Log): EngineClient {
  const engine = new EngineClient({
    enginePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'engine.js').fsPath,
    log: (level, message) => log[level](`engine: ${message}`),
    // Optimized graphs go to the extension's own storage, not a cache folder of the user's.
    env: { DIFFUSION_LAB_ORT_CACHE: vscode.Uri.joinPath(context.globalStorageUri, 'ort').fsPath },
    idleMs: () =>
      Math.max(0, vscode.workspace.getConfiguration('diffusionLab').get<number>('engineIdleMinutes', 5)) * 60_000,
  });
  const exits = engine.onDidExit(({ code, signal }) => {
    if (code !== 0 || signal)
      log.warn(`engine process ended (code ${code}, signal ${signal}); the next request starts a fresh one`);
  });
  context.subscriptions.push(exits, { dispose: () => engine.dispose() });
  return engine;
}
