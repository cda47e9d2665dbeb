// Runs sweep documents in the extension: one engine (the extension's), progress "cell k/N, step s/S"
// with Cancel, each finished cell sent to the grids showing that document, outputs in
// <output folder>/sweeps/<name>/ (beside the sweep file when saving is off), where a reopened grid
// finds them again.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { specSteps } from '../../protocol/run';
import { cellAt, cellCount, cellsText, expandCells } from '../../protocol/sweepCells';
import type { TrajectoryComparison } from '../../core/tensor/trajectoryDistance';
import type { Sweep } from '../../protocol/sweep';
import { gridAxes, type RunningCells } from '../../protocol/sweepView';
import { pairNames } from '../../protocol/cellPair';
import type { EngineClient } from '../../runs/engineClient';
import { resolveCells, SweepError, sweepFileChecks, type ResolvedCell } from '../../runs/sweepFiles';
import { INDEX_FILE } from '../../runs/sweepFolder';
import { readIndex } from '../../runs/sweepIndex';
import { sweepHash } from '../../runs/sweepKeys';
import { describeProgress, runSweep } from '../../runs/sweepRun';
import { compareTrajectories } from '../../runs/sweepTrajectory';
import type { RunService } from '../runService';
import { withDelayedProgress } from '../delayedProgress';
import { checkModelTrust, readProvider, resolveOutputDir, UserError } from '../settings';
import { readSweepDocument, type SweepDocument } from './sweepDocument';

export interface SweepListener {
  cell(index: number, png: Uint8Array): void;
  progress(running: boolean, text: string, active?: RunningCells): void;
}

export function cellLimit(): number {
  return vscode.workspace.getConfiguration('diffusionLab').get<number>('sweepCellLimit', 10_000);
}

/** A sweep document as it is now, checked against the models and files it names where it is on disk. */
export function readSweep(document: vscode.TextDocument): SweepDocument {
  const files = document.uri.scheme === 'file' ? sweepFileChecks(dirname(document.uri.fsPath)) : undefined;
  return readSweepDocument(document.getText(), cellLimit(), files);
}

export class SweepRunner implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();
  private readonly listeners = new Map<string, Set<SweepListener>>();
  /** Seconds per sampling step of one image, by model folder, from the last sweep run on it. */
  private readonly rates = new Map<string, number>();
  private readonly measured = new vscode.EventEmitter<void>();
  readonly onDidMeasure = this.measured.event;

  constructor(
    private readonly engine: EngineClient,
    private readonly runs: RunService,
  ) {}

  subscribe(uri: vscode.Uri, listener: SweepListener): vscode.Disposable {
    const key = uri.toString();
    const set = this.listeners.get(key) ?? new Set();
    this.listeners.set(key, set.add(listener));
    return new vscode.Disposable(() => set.delete(listener));
  }

  secondsPerStep(modelDir: string): number | undefined {
    return this.rates.get(modelDir);
  }

  /** The folder a sweep document's outputs go to. */
  outDir(uri: vscode.Uri): string {
    const name = basename(uri.fsPath).replace(/\.sweep\.json$/, '');
    return join(resolveOutputDir() ?? dirname(uri.fsPath), 'sweeps', name);
  }

  /** The cells already in the folder of this sweep (after a reload), sent to one listener. */
  showCached(uri: vscode.Uri, sweep: Sweep, listener: SweepListener): void {
    const dir = this.outDir(uri);
    if (!existsSync(join(dir, INDEX_FILE))) return;
    try {
      const index = readIndex(dir);
      if (index.sweepHash !== sweepHash(sweep)) return;
      for (const cell of index.cells) listener.cell(cell.index, new Uint8Array(readFileSync(join(dir, cell.file))));
    } catch {
      // A folder the user changed by hand shows as empty until the next run rewrites it.
    }
  }

  /** A finished cell of this sweep into the workbench, through "Re-run from Image" on its PNG, and its spec run
   * again there so that its steps are on view (a cell keeps its PNG only). */
  async open(uri: vscode.Uri, sweep: Sweep, index: number): Promise<void> {
    const file = this.cellFile(uri, sweep, index);
    if (!file) return void vscode.window.showInformationMessage(`Cell ${index} has not run yet: run the sweep first.`);
    await vscode.commands.executeCommand('diffusionLab.rerunFromImage', vscode.Uri.file(file), { remake: true });
  }

  /** Two finished cells run again with their latents captured, compared step by step (Cancel stops it,
   * as it stops a run). */
  async compare(document: vscode.TextDocument, sweep: Sweep, cells: [number, number]): Promise<TrajectoryComparison> {
    const missing = cells.find((i) => i >= cellCount(sweep) || !this.cellFile(document.uri, sweep, i));
    if (missing !== undefined) throw new UserError(`Cell ${missing} has not run yet: run the sweep first.`);
    const key = document.uri.toString();
    if (this.running.has(key)) throw new UserError('The sweep is running: compare its cells when it is done.');
    const abort = new AbortController();
    this.running.set(key, abort);
    const emit = (running: boolean, text: string) => this.listeners.get(key)?.forEach((l) => l.progress(running, text));
    try {
      const [a, b] = resolveCells(
        sweep,
        dirname(document.uri.fsPath),
        cells.map((i) => cellAt(sweep, i)),
      );
      for (const dir of new Set([a.run.modelDir, b.run.modelDir])) checkModelTrust(dir);
      const [nameA, nameB] = pairNames(gridAxes(sweep), cells);
      emit(true, `Comparing the latents of ${nameA} and ${nameB}…`);
      const comparison = await compareTrajectories(this.engine, [a, b], { provider: readProvider() }, abort.signal);
      emit(false, `Compared the latents of ${nameA} and ${nameB}.`);
      return comparison;
    } catch (err) {
      emit(false, abort.signal.aborted ? 'Cancelled.' : `Failed: ${(err as Error).message}`);
      throw err;
    } finally {
      this.running.delete(key);
    }
  }

  /** The PNG of a cell in the sweep's folder, when the folder holds this sweep and the cell ran. */
  private cellFile(uri: vscode.Uri, sweep: Sweep, index: number): string | undefined {
    const dir = this.outDir(uri);
    if (!existsSync(join(dir, INDEX_FILE))) return undefined;
    const found = readIndex(dir);
    const cell = found.sweepHash === sweepHash(sweep) ? found.cells.find((c) => c.index === index) : undefined;
    return cell && join(dir, cell.file);
  }

  /** A failure, shown the way run failures are (a sweep's own input errors as the user's to fix). */
  report(err: unknown): void {
    this.runs.report(err instanceof SweepError ? new UserError(err.message) : err, 'sweep');
  }

  dispose(): void {
    this.running.forEach((abort) => abort.abort());
    this.measured.dispose();
  }

  cancel(uri: vscode.Uri): void {
    this.running.get(uri.toString())?.abort();
  }

  async run(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    if (this.running.has(key)) return void vscode.window.showInformationMessage('This sweep is already running.');
    const abort = new AbortController();
    this.running.set(key, abort);
    const emit = (f: (l: SweepListener) => void) => this.listeners.get(key)?.forEach(f);
    try {
      const sweep = await this.checked(document);
      if (!sweep) return;
      const cells = resolveCells(sweep, dirname(document.uri.fsPath), expandCells(sweep));
      for (const dir of new Set(cells.map((c) => c.run.modelDir))) checkModelTrust(dir);
      const outDir = this.outDir(document.uri);
      const started = performance.now();
      const report = await withDelayedProgress(
        (options, task) => vscode.window.withProgress(options, task),
        {
          location: vscode.ProgressLocation.Notification,
          title: `Sweep ${basename(document.uri.fsPath)}`,
          cancellable: true,
        },
        (progress, cancelled) => {
          cancelled.addEventListener('abort', () => abort.abort(), { once: true });
          return runSweep(sweep, cells, {
            outDir,
            source: basename(document.uri.fsPath),
            engine: () => this.engine,
            runOptions: { provider: readProvider() },
            signal: abort.signal,
            onCell: (index, png) => emit((l) => l.cell(index, png)),
            onProgress: (p) => {
              progress.report({ message: describeProgress(p) });
              const active = { cells: p.indices, step: p.step, steps: p.steps };
              emit((l) => l.progress(true, describeProgress(p), active));
            },
          });
        },
      );
      this.measure(
        cells.filter((c) => report.ran.includes(c.index)),
        (performance.now() - started) / 1000,
      );
      const text = `${cellsText(report.ran.length)} ran, ${report.cached.length} cached: ${outDir}`;
      emit((l) => l.progress(false, text));
      void vscode.window.showInformationMessage(`Sweep done: ${text}`);
    } catch (err) {
      emit((l) => l.progress(false, abort.signal.aborted ? 'Cancelled.' : `Failed: ${(err as Error).message}`));
      if (!abort.signal.aborted) this.report(err);
    } finally {
      this.running.delete(key);
    }
  }

  /** Remembers the time a step took (model start included: an estimate errs long) for each model that ran. */
  private measure(ran: ResolvedCell[], seconds: number): void {
    const counts = ran.map((c) => specSteps(c.run));
    // A cell that left its steps to the model ran a count only the engine knows: no rate from this sweep.
    if (counts.some((n) => n === undefined)) return;
    const steps = counts.reduce((sum: number, n) => sum + n!, 0);
    if (steps === 0) return;
    for (const dir of new Set(ran.map((c) => c.run.modelDir))) this.rates.set(dir, seconds / steps);
    this.measured.fire();
  }

  /** The document's sweep when it has no errors and, above the cell limit, the user agrees. */
  private async checked(document: vscode.TextDocument): Promise<Sweep | undefined> {
    const limit = cellLimit();
    const { sweep, findings } = readSweep(document);
    if (!sweep) {
      const errors = findings.filter((f) => f.severity === 'error');
      throw new UserError(
        `The sweep has ${errors.length} problem${errors.length === 1 ? '' : 's'} ` +
          `(see the Problems panel): ${errors[0]?.message}`,
      );
    }
    const count = cellCount(sweep);
    if (count <= limit) return sweep;
    const go = `Run ${count} cells`;
    const answer = await vscode.window.showWarningMessage(
      `This sweep has ${count} cells, more than diffusionLab.sweepCellLimit (${limit}).`,
      { modal: true },
      go,
    );
    return answer === go ? sweep : undefined;
  }
}
