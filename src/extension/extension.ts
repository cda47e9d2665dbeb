// Activation wires the parts together and does nothing else: no model loads until asked.
import * as vscode from 'vscode';
import { createEngine } from './engineHost';
import { registerGenerate } from './generateCommand';
import { ImagePanel } from './imagePanel';
import { registerInstallCuda } from './installCudaCommand';
import { createLog } from './log';
import { registerScheduleInspector } from './schedule/registerScheduleInspector';
import { registerWorkbench } from './workbench/registerWorkbench';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog(context);
  const engine = createEngine(context, log);
  const panel = new ImagePanel(context.extensionUri, (context.storageUri ?? context.globalStorageUri).fsPath, log);
  context.subscriptions.push(panel);
  const workbench = registerWorkbench(context, { engine, log });
  registerGenerate(context, { engine, panel, workbench, log });
  registerScheduleInspector(context);
  registerInstallCuda(context, log);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
}
