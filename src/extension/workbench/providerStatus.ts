// Status bar: which execution provider the last run actually used (after any fallback) and its time.
import * as vscode from 'vscode';
import type { RunSummary } from '../../protocol/workbench';
import type { RunService } from '../runService';

export function showProviderStatus(runs: RunService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('diffusionLab.provider', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Diffusion Lab provider';
  item.command = 'diffusionLab.openWorkbench';
  const finished = (run: RunSummary) => {
    if (run.status !== 'done' || !run.provider) return;
    const seconds = ((run.totalMs ?? 0) / 1000).toFixed(2);
    item.text = `$(chip) ${run.provider}`;
    item.tooltip = `Diffusion Lab: the last run (${run.schedulerClass ?? 'scheduler'}, ${run.spec.steps} steps) ran on ${run.provider} in ${seconds} s. Per-component times are in its JSON record and the log.`;
    item.show();
  };
  const subscription = runs.subscribe({ started: () => undefined, step: () => undefined, updated: () => undefined, finished });
  return vscode.Disposable.from(subscription, item);
}
