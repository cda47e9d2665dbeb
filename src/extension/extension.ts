// Activation wires the parts together and does nothing else: no model loads until asked.
import * as vscode from 'vscode';
import { registerBlankPanel } from './blankPanel';
import { createEngine } from './engineHost';
import { registerForwardView } from './forward/registerForwardView';
import { registerGenerate } from './generateCommand';
import { ImagePanel } from './imagePanel';
import { showEngineStatus } from './engineStatus';
import { registerInstallCuda } from './installCudaCommand';
import { RunService } from './runService';
import { RunStore } from './workbench/runStore';
import { createLog } from './log';
import { registerModelInspector } from './modelInspector/modelInspectorProvider';
import { registerScheduleInspector } from './schedule/registerScheduleInspector';
import { registerSweep } from './sweep/registerSweep';
import { registerWorkbench } from './workbench/registerWorkbench';
import { stableStorage } from './workspaceStorage';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog(context);
  const storage = stableStorage((context.storageUri ?? context.globalStorageUri).fsPath);
  const store = new RunStore(storage);
  const engine = createEngine(context, log);
  const runs = new RunService(engine, store, log);
  context.subscriptions.push(showEngineStatus(runs, engine));
  const actions = registerWorkbench(context, { runs, store, log });
  const panel = new ImagePanel(context.extensionUri, storage, actions, log);
  context.subscriptions.push(panel);
  registerGenerate(context, { runs, store, panel });
  registerScheduleInspector(context, log);
  registerSweep(context, { engine, runs, log });
  registerForwardView(context, log, engine);
  registerModelInspector(context, log);
  registerInstallCuda(context, log);
  registerBlankPanel(context, log);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
}
