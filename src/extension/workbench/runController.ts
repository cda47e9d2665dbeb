// Runs the workbench's generations: one at a time, with a cancellable progress notification,
// streaming each step to the panel and the gallery; then saves the outputs and stores the run.
import { randomInt } from 'node:crypto';
import * as vscode from 'vscode';
import { EngineError, type EngineClient } from '../../engine/engineClient';
import type { RunRecord } from '../../engine/outputs/runRecord';
import { engineRecords, saveRunFiles } from '../../engine/outputs/saveRun';
import type { GenerateRequest, GenerateResult } from '../../protocol/engine';
import { SEED_MAX, scheduleSteps, type GenerateParams, type RunSchedule, type RunSummary, type StepFrame } from '../../protocol/workbench';
import type { Log } from '../log';
import { readProvider, resolveOutputDir } from '../settings';
import type { RunStore } from './runStore';
import { newRunId } from './runStore';
import { schedulerOverrides } from './samplerOptions';
import { toStepFrame } from './stepFrame';
import { thumbnailPng } from './thumbnail';

export interface RunEvents {
  started(run: RunSummary): void;
  step(runId: string, frame: StepFrame): void;
  finished(run: RunSummary, pngs: Uint8Array[]): void;
  /** A stored run changed (its images were saved after the fact). */
  updated(run: RunSummary): void;
}

export class RunController {
  private current: { id: string; abort: AbortController } | undefined;
  private readonly listeners = new Set<RunEvents>();
  /** Steps of the run in progress, for a webview that opens (or reloads) while it runs. */
  liveFrames: { run: RunSummary; frames: StepFrame[] } | undefined;
  lastProvider: string | undefined;

  constructor(
    private readonly engine: EngineClient,
    private readonly store: RunStore,
    private readonly log: Log,
  ) {}

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

  /** Runs one generation; failures are reported here and end the run, never thrown. A schedule
   * replaces the form's sampler choices (and, with explicit steps, its step count). */
  async run(params: GenerateParams, model: { dir: string; label: string }, schedule?: RunSchedule): Promise<void> {
    if (this.current) {
      void vscode.window.showWarningMessage('Diffusion Lab: a run is already in progress; cancel it or wait.');
      return;
    }
    const createdAt = new Date();
    const steps = (schedule && scheduleSteps(schedule)) ?? params.steps;
    const resolved = { ...params, steps, seed: params.seed === -1 ? randomInt(0, SEED_MAX) : params.seed };
    const run: RunSummary = {
      id: newRunId(createdAt), createdAt: createdAt.toISOString(), params: resolved, modelLabel: model.label, status: 'running', images: [],
      scheduleLabel: schedule?.label,
    };
    const request: GenerateRequest = {
      modelDir: model.dir,
      prompt: resolved.prompt,
      negativePrompt: resolved.negativePrompt || undefined,
      seed: resolved.seed,
      steps: resolved.steps,
      guidanceScale: resolved.guidanceScale,
      width: resolved.width,
      height: resolved.height,
      batchSize: resolved.batchSize,
      ...(schedule
        ? { scheduler: schedule.scheduler, timesteps: schedule.timesteps, sigmas: schedule.sigmas }
        : { scheduler: schedulerOverrides(resolved) }),
      provider: readProvider(),
      preview: { every: 1, kind: 'latent' },
      captureLatents: true,
    };
    const abort = new AbortController();
    this.current = { id: run.id, abort };
    this.liveFrames = { run, frames: [] };
    this.emit((l) => l.started(run));
    this.log.info(`workbench: run ${run.id} "${resolved.prompt}" seed ${resolved.seed}, ${resolved.steps} steps, ${schedule ? `schedule "${schedule.label}"` : resolved.sampler || 'model scheduler'}`);
    try {
      const result = await this.generate(request, run, abort);
      const finished = await this.complete(run, result);
      this.emit((l) => l.finished(finished.run, finished.pngs));
    } catch (error) {
      const cancelled = error instanceof EngineError && error.code === 'CANCELLED';
      const failed: RunSummary = { ...run, status: cancelled ? 'cancelled' : 'failed', error: cancelled ? undefined : (error as Error).message };
      if (cancelled) this.log.info(`workbench: run ${run.id} cancelled`);
      else this.log.error(`workbench: run ${run.id} failed: ${(error as Error).message}`);
      this.emit((l) => l.finished(failed, []));
      if (!cancelled) void this.showError(`Diffusion Lab: ${(error as Error).message}`);
    } finally {
      this.current = undefined;
      this.liveFrames = undefined;
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

  /** Records a run made elsewhere (the Generate command) in the gallery and the output folder. */
  async record(request: GenerateRequest, result: GenerateResult, modelLabel: string): Promise<void> {
    const createdAt = new Date();
    const params: GenerateParams = {
      prompt: request.prompt,
      negativePrompt: request.negativePrompt ?? '',
      seed: result.info.seeds[0],
      steps: result.info.steps,
      guidanceScale: result.info.guidanceScale,
      sampler: String(result.info.scheduler._class_name ?? ''),
      spacing: 'default',
      sigmas: 'default',
      width: result.info.width,
      height: result.info.height,
      batchSize: result.images.length,
      modelId: '',
    };
    const run: RunSummary = { id: newRunId(createdAt), createdAt: createdAt.toISOString(), params, modelLabel, status: 'running', images: [] };
    const finished = await this.complete(run, result);
    this.emit((l) => l.finished(finished.run, finished.pngs));
  }

  private generate(request: GenerateRequest, run: RunSummary, abort: AbortController): Thenable<GenerateResult> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Diffusion: generating', cancellable: true },
      async (progress, token) => {
        const onCancel = token.onCancellationRequested(() => abort.abort());
        try {
          progress.report({ message: 'loading model' });
          return await this.engine.generate(request, {
            signal: abort.signal,
            onStep: (event) => {
              const frame = toStepFrame(event);
              this.liveFrames?.frames.push(frame);
              progress.report({ message: `step ${event.step + 1}/${event.totalSteps}`, increment: 100 / event.totalSteps });
              this.emit((l) => l.step(run.id, frame));
            },
          });
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  private async complete(run: RunSummary, result: GenerateResult) {
    const { info } = result;
    this.lastProvider = info.provider;
    // Exact-size plain copies: a Node Buffer (possibly a slice of its pool) does not cross to a webview as binary.
    const pngs = result.images.map((image) => new Uint8Array(image.png));
    const records = engineRecords(pngs);
    let done: RunSummary = {
      ...run,
      status: 'done',
      images: result.images.map((image, i) => ({ seed: records[i].seed, width: image.width, height: image.height })),
      provider: info.provider,
      schedulerClass: String(info.scheduler._class_name ?? ''),
      totalMs: info.timings.totalMs,
    };
    this.log.info(`workbench: run ${run.id} done in ${info.timings.totalMs.toFixed(0)} ms on ${info.provider}`);
    done = await this.saveFiles(done, records, pngs, false);
    const thumbnail = result.images[0] && thumbnailPng(result.images[0]);
    await this.store.add(done, records, pngs, this.liveFrames?.run.id === run.id ? this.liveFrames.frames : [], thumbnail);
    return { run: done, pngs };
  }

  /** Writes the run's PNG+JSON pairs; a failed write is reported and leaves the run unsaved. */
  private async saveFiles(run: RunSummary, records: RunRecord[], pngs: Uint8Array[], askWhenUnset: boolean): Promise<RunSummary> {
    let dir = resolveOutputDir();
    if (!dir && askWhenUnset) dir = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Save here' }))?.[0]?.fsPath;
    if (!dir) return run;
    try {
      const pending = run.images.map((image, i) => ({ image, i })).filter(({ image }) => !image.savedAs);
      const saved = await saveRunFiles(dir, pending.map(({ i }) => records[i]), pending.map(({ i }) => pngs[i]));
      const images = [...run.images];
      pending.forEach(({ i }, k) => (images[i] = { ...images[i], savedAs: saved[k].png }));
      for (const s of saved) this.log.info(`saved ${s.png} and ${s.json} in ${dir}`);
      return { ...run, images, recordSavedAs: saved[0]?.json ?? run.recordSavedAs };
    } catch (error) {
      this.log.error(`saving run ${run.id} to ${dir} failed: ${(error as Error).message}`);
      void this.showError(`Diffusion Lab: ${(error as Error).message}. The run stays in the gallery; use Save to try again.`);
      return run;
    }
  }

  private emit(f: (l: RunEvents) => void): void {
    for (const l of this.listeners) f(l);
  }

  private async showError(message: string): Promise<void> {
    if ((await vscode.window.showErrorMessage(message, 'Show Log')) === 'Show Log') this.log.show(true);
  }
}
