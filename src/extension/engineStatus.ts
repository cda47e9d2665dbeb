// Status bar: what the engine process holds (the model it loaded, on which provider, the last run's
// time) while it lives, and that it has stopped once it has; it opens the workbench.
import * as vscode from 'vscode';
import type { RunSummary } from '../protocol/workbench';
import type { EngineClient } from '../runs/engineClient';
import type { RunService } from './runService';

export function showEngineStatus(runs: RunService, engine: EngineClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('diffusionLab.engine', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Diffusion Lab engine';
  item.command = 'diffusionLab.openWorkbench';
  const finished = (run: RunSummary) => {
    if (run.status !== 'done' || !run.provider) return;
    const seconds = ((run.totalMs ?? 0) / 1000).toFixed(2);
    item.text = `$(chip) ${run.modelLabel} · ${run.provider}`;
    item.tooltip =
      `Diffusion Lab: ${run.modelLabel} is loaded in the engine process on ${run.provider}. ` +
      `The last run (${run.schedulerClass ?? 'scheduler'}, ${run.spec.steps} steps) took ${seconds} s; ` +
      'per-component times are in its record and the log. The engine stops after diffusionLab.engineIdleMinutes without a run.';
    item.show();
  };
  const stopped = () => {
    item.text = '$(debug-stop) engine stopped';
    item.tooltip = 'Diffusion Lab: no model loaded; the next run starts the engine and loads its model.';
  };
  const subscription = runs.subscribe({
    started: () => undefined,
    step: () => undefined,
    updated: () => undefined,
    finished,
  });
  const exits = engine.onDidExit(stopped);
  return vscode.Disposable.from(subscription, exits, item);
}
