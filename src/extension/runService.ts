// The one place a run starts in the extension, for "Diffusion: Generate" and the workbench alike:
// one run at a time, its progress ("step k/N") in a notification with Cancel or in the status bar,
// each step streamed to the panels, then the outputs saved, the run stored for the gallery, and any
// failure reported once with "Show Log". Nothing thrown here escapes to the extension host.
import * as vscode from 'vscode';
import type { RunOptions } from '../protocol/engine';
import { classNameOf, type RunSpec } from '../protocol/run';
import type { RunSummary, StepFrame } from '../protocol/workbench';
import { EngineError, type EngineClient } from '../runs/engineClient';
import { executeRun, prepareRun, type FinishedRun } from '../runs/executeRun';
import { describeTimes } from '../runs/runTimes';
import type { RunRecord } from '../runs/runRecord';
import { saveRunFiles } from '../runs/saveRun';
import { showErrorWithLog, type Log } from './log';
import { withDelayedProgress } from './delayedProgress';
import { progressOptions, type ProgressPlace } from './runProgress';
import { readProvider, readSaveRecordJson, resolveOutputDir, UserError } from './settings';
import { newRunId, type RunStore } from './workbench/runStore';
import { toStepFrame } from './workbench/stepFrame';
import { thumbnailPng } from './workbench/thumbnail';

export interface RunEvents {
  started(run: RunSummary): void;
  step(runId: string, frame: StepFrame): void;
  finished(run: RunSummary, pngs: Uint8Array[]): void;
  /** A stored run changed (its images were saved after the fact). */
  updated(run: RunSummary): void;
}

/** A finished run as the store keeps it, by id. */
export type CompletedRun = FinishedRun & { runId: string };

/** What a surface asks for: the spec, how to label it, and how to run it. */
export interface RunRequest {
  spec: RunSpec;
  modelLabel: string;
  /** The model's family where the surface knows it, so a running LCM's status already says its guidance is
   * embedded; the engine's recognition replaces it once the run is done. */
  family?: string;
  /** The handed-over schedule the spec carries, by name. */
  scheduleLabel?: string;
  /** Previews and captured latents; the provider comes from the settings. */
  options: Omit<RunOptions, 'provider'>;
  /** Which surface asked, for the log. */
  origin: string;
  /** Where the run's progress shows: see runProgress.ts. */
  progress: ProgressPlace;
}

export class RunService {
  private current: { id: string; abort: AbortController } | undefined;
  private readonly listeners = new Set<RunEvents>();
  /** Steps of the run in progress, for a webview that opens (or reloads) while it runs. */
  liveFrames: { run: RunSummary; frames: StepFrame[] } | undefined;
  lastProvider: string | undefined;
  /** The model folder and provider whose sessions the engine holds since its last run, if it lives. */
  private held: string | undefined;

  constructor(
    private readonly engine: EngineClient,
    private readonly store: RunStore,
    private readonly log: Log,
  ) {
    engine.onDidExit(() => (this.held = undefined));
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  subscribe(events: RunEvents): vscode.Disposable {
    this.listeners.add(events);
    return new vscode.Disposable(() => this.listeners.delete(events));
  }

  cancel(): void {
    this.current?.abort.abort();
  }

  /** Runs one spec to the end; returns the finished run, or undefined when it did not finish
   * (refused, failed or cancelled: already reported). */
  async run(request: RunRequest): Promise<CompletedRun | undefined> {
    if (this.current) {
      void vscode.window.showWarningMessage('Diffusion Lab: a run is already in progress; cancel it or wait.');
      return undefined;
    }
    const prepared = prepareRun(request.spec);
    const { spec } = prepared;
    const summary: RunSummary = {
      id: newRunId(prepared.createdAt),
      createdAt: prepared.createdAt.toISOString(),
      spec,
      modelLabel: request.modelLabel,
      ...(request.family && { family: request.family }),
      status: 'running',
      images: [],
      scheduleLabel: request.scheduleLabel,
    };
    const abort = new AbortController();
    this.current = { id: summary.id, abort };
    void vscode.commands.executeCommand('setContext', 'diffusionLab.running', true);
    this.liveFrames = { run: summary, frames: [] };
    this.emit((l) => l.started(summary));
    const sampler = request.scheduleLabel
      ? `schedule "${request.scheduleLabel}"`
      : (classNameOf(spec.scheduler) ?? 'model scheduler');
    const steps = spec.steps ?? "the model's";
    this.log.info(
      `${request.origin}: "${spec.prompt}" model ${spec.modelDir}, seed ${spec.seed}, ${steps} steps, ${sampler} (run ${summary.id})`,
    );
    try {
      const finished = await this.execute(prepared, request, summary, abort);
      const done = await this.complete(summary, finished, request.origin);
      this.emit((l) =>
        l.finished(
          done,
          finished.images.map((i) => i.png),
        ),
      );
      return { ...finished, runId: summary.id };
    } catch (error) {
      const cancelled = error instanceof EngineError && error.code === 'CANCELLED';
      const failed: RunSummary = {
        ...summary,
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? undefined : (error as Error).message,
      };
      this.emit((l) => l.finished(failed, []));
      if (cancelled) this.log.info(`${request.origin}: cancelled run ${summary.id}`);
      else this.report(error, `${request.origin}: run ${summary.id}`);
      return undefined;
    } finally {
      this.current = undefined;
      this.liveFrames = undefined;
      void vscode.commands.executeCommand('setContext', 'diffusionLab.running', false);
    }
  }

  /** Saves a stored run's images (again) into the output folder, e.g. after an earlier failure. */
  async save(runId: string): Promise<RunSummary | undefined> {
    const [summary] = (await this.store.list()).filter((r) => r.id === runId);
    const records = await this.store.records(runId);
    if (!summary || !records) return undefined;
    const saved = await this.saveFiles(summary, records, await this.store.pngs(runId), true);
    await this.store.update(saved);
    this.emit((l) => l.updated(saved));
    return saved;
  }

  /** A failure of this surface's own (not a run's), reported the way run failures are. */
  report(error: unknown, context: string): void {
    if (error instanceof UserError) {
      this.log.warn(`${context}: ${error.message}`);
      showErrorWithLog(this.log, error.message);
      return;
    }
    if (error instanceof EngineError) {
      this.log.error(`${context} failed (${error.code}): ${error.message}`);
      const file = error.file && !error.message.includes(error.file) ? ` (${error.file})` : '';
      const restart = error.code === 'ENGINE_EXITED' ? ' The next Generate starts a fresh engine.' : '';
      showErrorWithLog(this.log, `Diffusion Lab: ${error.message.replace(/\.$/, '')}${file}.${restart}`);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(`${context} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    showErrorWithLog(this.log, `Diffusion Lab: ${message}`);
  }

  private execute(
    prepared: ReturnType<typeof prepareRun>,
    request: RunRequest,
    summary: RunSummary,
    abort: AbortController,
  ): Thenable<FinishedRun> {
    return withDelayedProgress(
      (options, task) => vscode.window.withProgress(options, task),
      progressOptions(request.progress, vscode.ProgressLocation),
      async (progress, cancelled) => {
        const onCancel = () => {
          this.log.info(`${request.origin}: cancel requested`);
          abort.abort();
        };
        cancelled.addEventListener('abort', onCancel, { once: true });
        try {
          const options = { ...request.options, provider: readProvider() };
          const holds = `${prepared.spec.modelDir}|${options.provider}`;
          progress.report({ message: this.held === holds ? 'starting' : 'loading model' });
          const finished = await executeRun(this.engine, prepared, options, {
            signal: abort.signal,
            onStep: (event) => {
              const frame = toStepFrame(event);
              this.liveFrames?.frames.push(frame);
              progress.report({
                message: `step ${event.step + 1}/${event.totalSteps}`,
                increment: 100 / event.totalSteps,
              });
              this.emit((l) => l.step(summary.id, frame));
            },
          });
          this.held = holds;
          return finished;
        } finally {
          cancelled.removeEventListener('abort', onCancel);
        }
      },
    );
  }

  private async complete(run: RunSummary, finished: FinishedRun, origin: string): Promise<RunSummary> {
    const { info } = finished;
    this.lastProvider = info.provider;
    const pngs = finished.images.map((image) => image.png);
    let done: RunSummary = {
      ...run,
      spec: info.spec,
      status: 'done',
      images: finished.images.map((image, i) => ({ seed: info.seeds[i], width: image.width, height: image.height })),
      provider: info.provider,
      schedulerClass: classNameOf(info.scheduler) ?? '',
      ...(info.family && { family: info.family.family }),
      totalMs: info.timings.totalMs,
      ...(info.image?.psnr !== undefined && { psnr: info.image.psnr }),
      ...(info.image?.stepsRun !== undefined && { stepsRun: info.image.stepsRun }),
    };
    const elapsed = Date.now() - finished.createdAt.getTime();
    this.log.info(
      `${origin}: ${pngs.length} image(s) in ${elapsed} ms on ${info.provider}; engine ${describeTimes(info.timings)}; engine process ${this.engine.pid}`,
    );
    if (info.unknownWords.length)
      this.log.warn(`${origin}: the model does not know the words ${info.unknownWords.join(', ')}`);
    for (const w of info.warnings) this.log.warn(`${origin}: ${w}`);
    if (info.warnings.length) void vscode.window.showWarningMessage(`Diffusion Lab: ${info.warnings.join('; ')}`);
    done = await this.saveFiles(done, finished.records, pngs, false);
    const thumbnails = finished.images.map(thumbnailPng);
    await this.store.add(
      done,
      finished.records,
      pngs,
      this.liveFrames?.run.id === run.id ? this.liveFrames.frames : [],
      thumbnails,
    );
    return done;
  }

  /** Writes the run's PNG+JSON pairs; a failed write is reported and leaves the run unsaved. */
  private async saveFiles(
    run: RunSummary,
    records: RunRecord[],
    pngs: Uint8Array[],
    askWhenUnset: boolean,
  ): Promise<RunSummary> {
    let dir: string | undefined;
    try {
      dir = resolveOutputDir();
      if (!dir && askWhenUnset)
        dir = (
          await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Save here' })
        )?.[0]?.fsPath;
      if (!dir) return run;
      const pending = run.images.map((image, i) => ({ image, i })).filter(({ image }) => !image.savedAs);
      const saved = await saveRunFiles(
        dir,
        pending.map(({ i }) => records[i]),
        pending.map(({ i }) => pngs[i]),
        readSaveRecordJson(),
      );
      const images = [...run.images];
      pending.forEach(({ i }, k) => (images[i] = { ...images[i], savedAs: saved[k].png }));
      for (const s of saved) this.log.info(`saved ${s.png}${s.json ? ` and ${s.json}` : ''} in ${dir}`);
      return { ...run, images, recordSavedAs: saved[0]?.json ?? run.recordSavedAs };
    } catch (error) {
      this.log.error(`saving run ${run.id} to ${dir ?? 'the output folder'} failed: ${(error as Error).message}`);
      showErrorWithLog(
        this.log,
        `Diffusion Lab: ${(error as Error).message}. The run stays in the gallery; use Save to try again.`,
      );
      return run;
    }
  }

  private emit(f: (l: RunEvents) => void): void {
    for (const l of this.listeners) f(l);
  }
}
