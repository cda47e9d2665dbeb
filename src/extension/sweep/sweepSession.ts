// One grid view of a sweep document: sends the document's grid after every edit (debounced), the
// cells already in its output folder, and each cell as a run finishes it; runs and cancels on request.
import * as vscode from 'vscode';
import { isSweepMessage, sweepView, type HostToSweep } from '../../protocol/sweepView';
import type { Sweep } from '../../protocol/sweep';
import { EngineError } from '../../runs/engineClient';
import { sweepHash } from '../../runs/sweepKeys';
import { UserError } from '../settings';
import { readSweep, type SweepRunner } from './sweepRunner';

const DEBOUNCE_MS = 150;

export class SweepSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Hash of the sweep whose cells the view shows. */
  private shown: string | undefined;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly document: vscode.TextDocument,
    private readonly runner: SweepRunner,
  ) {
    const post = (m: HostToSweep) => void webview.postMessage(m);
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== document) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.send(), DEBOUNCE_MS);
      }),
      runner.subscribe(document.uri, {
        cell: (index, png) => post({ type: 'cell', index, png }),
        progress: (running, text, active) => post({ type: 'progress', running, text, active }),
      }),
    );
  }

  private receive(message: unknown): void {
    if (!isSweepMessage(message)) return;
    if (message.type === 'ready') {
      this.shown = undefined;
      this.send();
    } else if (message.type === 'run') void this.runner.run(this.document);
    else if (message.type === 'cancel') this.runner.cancel(this.document.uri);
    else {
      const { sweep } = readSweep(this.document);
      if (!sweep) return;
      if (message.type === 'open')
        this.runner.open(this.document.uri, sweep, message.index).catch((err: unknown) => this.runner.report(err));
      else void this.compare(sweep, message.cells);
    }
  }

  /** The two cells' trajectories to the view; a failure shown there too (the view asked for it). */
  private async compare(sweep: Sweep, cells: [number, number]): Promise<void> {
    const post = (m: HostToSweep) => void this.webview.postMessage(m);
    try {
      post({ type: 'trajectory', cells, comparison: await this.runner.compare(this.document, sweep, cells) });
    } catch (err) {
      post({ type: 'trajectory', cells, error: (err as Error).message });
      if (!(err instanceof UserError) && !(err instanceof EngineError && err.code === 'CANCELLED'))
        this.runner.report(err);
    }
  }

  /** The grid of the document as it is now; when the sweep itself changed, the images it has. */
  private send(): void {
    const { sweep, findings } = readSweep(this.document);
    const post = (m: HostToSweep) => void this.webview.postMessage(m);
    post({
      type: 'sweep',
      view: sweep && sweepView(sweep),
      findings: findings.map(({ severity, message }) => ({ severity, message })),
    });
    if (!sweep) return;
    const hash = sweepHash(sweep);
    if (hash === this.shown) return;
    this.shown = hash;
    post({ type: 'clear' });
    this.runner.showCached(this.document.uri, sweep, {
      cell: (index, png) => post({ type: 'cell', index, png }),
      progress: () => undefined,
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
