// The CodeLens over a sweep file: "Run sweep: 16 cells, about 40 s", the time from the last sweep run
// on the same model in this session (seconds per sampling step, times each cell's steps); while the sweep
// has errors, their count, which opens the Problems panel.
import { dirname, resolve } from 'node:path';
import * as vscode from 'vscode';
import { specSteps } from '../../protocol/run';
import { expandCells } from '../../protocol/sweepCells';
import { isSweepFile } from './sweepDocument';
import { readSweep, type SweepRunner } from './sweepRunner';

export class SweepCodeLens implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly runner: SweepRunner) {
    this.onDidChangeCodeLenses = runner.onDidMeasure;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isSweepFile(document.uri.fsPath)) return [];
    const { sweep, findings } = readSweep(document);
    const range = new vscode.Range(0, 0, 0, 0);
    if (!sweep) {
      // In place of the run: what stops it, a click away from the list.
      const errors = findings.filter((f) => f.severity === 'error').length;
      const title = `$(error) ${errors} problem${errors === 1 ? '' : 's'}: the sweep cannot run yet`;
      return [new vscode.CodeLens(range, { title, command: 'workbench.actions.view.problems' })];
    }
    const cells = expandCells(sweep);
    const dir = dirname(document.uri.fsPath);
    // A cell that leaves its steps to the model has no estimate here: the model's count is the engine's to tell.
    const seconds = cells.reduce(
      (sum, c) => sum + (specSteps(c.spec) ?? NaN) * (this.runner.secondsPerStep(resolve(dir, c.spec.modelDir)) ?? NaN),
      0,
    );
    const estimate = Number.isFinite(seconds) ? `, about ${describeSeconds(seconds)}` : '';
    const title = `$(run-all) Run sweep: ${cells.length} cell${cells.length === 1 ? '' : 's'}${estimate}`;
    return [new vscode.CodeLens(range, { title, command: 'diffusionLab.runSweep', arguments: [document.uri] })];
  }
}

function describeSeconds(s: number): string {
  return s < 90 ? `${Math.max(1, Math.round(s))} s` : `${Math.round(s / 60)} min`;
}
