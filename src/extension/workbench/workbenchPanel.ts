// The generate panel: one webview panel, restored after a reload by its serializer. It owns no
// state of its own beyond the form it remembers per workspace; runs come from the controller and
// the store. Every message from the webview is checked before it is acted on.
import { basename, join } from 'node:path';
import type { RunSpec } from '../../protocol/run';
import * as vscode from 'vscode';
import { DEFAULT_GUIDANCE } from '../../modelFolder/modelFolder';
import { isDistilled } from '../../protocol/familyForm';
import { outputStem } from '../../runs/saveRun';
import { writeNewFile } from '../../runs/writeNewFile';
import {
  parseFromWorkbench,
  parseScheduleArgument,
  validateParams,
  withSchedule,
  type FormRun,
  type FromWorkbench,
  type ParamsForm,
  type RunSchedule,
  type SamplerOption,
  type ToWorkbench,
  type TrajectoryFormat,
} from '../../protocol/workbench';
import type { ImageRef } from '../../protocol/imageActions';
import type { ImageInputForm, RunImageFields } from '../../protocol/workbenchImage';
import { PromptTokenCounter } from '../../tokenizer/promptTokenCounter';
import type { Log } from '../log';
import { PanelOpenTimer } from '../panelOpenTimer';
import { checkModelTrust, readProvider, resolveOutputDir } from '../settings';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import type { ImageActions } from './imageActions';
import { InitImageMessages } from './initImageMessages';
import { InitImages } from './initImages';
import type { ModelCatalog } from './modelCatalog';
import type { RunRequest, RunService } from '../runService';
import { RunQueue } from './runQueue';
import type { RunStore } from './runStore';
import { imageFormat } from '../../core/image/imageFormat';
import { clip } from '../../core/clip';

export const WORKBENCH_VIEW_TYPE = 'diffusionLab.workbench';
const FORM_KEY = 'diffusionLab.workbench.form';
const SCHEDULE_KEY = 'diffusionLab.workbench.schedule';
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

export interface PanelDeps {
  context: vscode.ExtensionContext;
  catalog: ModelCatalog;
  runs: RunService;
  store: RunStore;
  samplers: SamplerOption[];
  actions: ImageActions;
  log: Log;
}

export class WorkbenchPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** A run to show once the webview has asked for its snapshot. */
  private pendingRunId: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly queue: RunQueue;
  private readonly tokens = new PromptTokenCounter();
  private readonly images: InitImages;
  private readonly imageMessages: InitImageMessages;
  /** Whether the webview has asked for its snapshot (messages posted before that are lost). */
  private ready = false;
  /** Image-input work (an output as the init image, a restored run's inputs) waiting for that. */
  private afterSnapshot: (() => Promise<void>) | undefined;
  /** When the rescan for the panel's first snapshot started (at attach). */
  private rescanSince: number | undefined;

  constructor(private readonly deps: PanelDeps) {
    this.images = new InitImages(join(deps.context.globalStorageUri.fsPath, 'inputs'));
    this.imageMessages = new InitImageMessages({
      images: this.images,
      store: deps.store,
      log: deps.log,
      post: (message) => this.post(message),
    });
    this.queue = new RunQueue(
      (request) => deps.runs.run(request),
      (queue) => this.post({ type: 'queue', queue }),
    );
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(WORKBENCH_VIEW_TYPE, {
        deserializeWebviewPanel: (panel) => Promise.resolve(this.revive(panel)),
      }),
      deps.runs.subscribe({
        started: (run) => this.post({ type: 'runStarted', run }),
        step: (runId, frame) => this.post({ type: 'step', runId, frame }),
        finished: (run, pngs) => this.post({ type: 'runFinished', run, pngs }),
        updated: (run) => this.post({ type: 'runUpdated', run }),
      }),
    );
  }

  /** Opens (or reveals) the panel, optionally on a stored run. */
  show(runId?: string): void {
    if (!this.panel) {
      this.pendingRunId = runId;
      // A tab the window restored in the background has no panel until it is shown: closed, so the new
      // panel is the only one (its content comes from the store and the remembered form).
      void vscode.window.tabGroups.close(workbenchTabs());
      const panel = vscode.window.createWebviewPanel(
        WORKBENCH_VIEW_TYPE,
        'Diffusion Workbench',
        vscode.ViewColumn.Active,
        webviewOptions(this.deps.context.extensionUri),
      );
      this.attach(panel);
      return;
    }
    this.panel.reveal();
    if (runId) void this.openRun(runId);
  }

  /** Opens the panel with an output as its init image (the "Use as init image" image action). */
  useAsInitImage(ref: ImageRef): Promise<void> {
    return this.whenReady(() => this.imageMessages.useRunImage(ref));
  }

  /** A restored run's image inputs (re-run from image) into the Init image section. */
  restoreImageInput(spec: RunImageFields): Promise<void> {
    return this.whenReady(() => this.imageMessages.restore(spec));
  }

  /** Opens the panel and runs `task` once its webview listens (after the tasks given before it). */
  private whenReady(task: () => Promise<void>): Promise<void> {
    this.show();
    if (this.ready) return task();
    const before = this.afterSnapshot;
    this.afterSnapshot = before ? () => before().then(task) : task;
    return Promise.resolve();
  }

  /** Makes a schedule the next runs' scheduler (until dropped; undefined drops it) and opens the panel on it. */
  async useSchedule(schedule: RunSchedule | undefined): Promise<void> {
    await this.rememberSchedule(schedule);
    this.show();
    // The step count chosen with the schedule becomes the form's.
    if (schedule?.steps !== undefined)
      await this.setForm({ ...(await this.currentForm()), steps: String(schedule.steps) });
  }

  private async rememberSchedule(schedule: RunSchedule | undefined): Promise<void> {
    await this.deps.context.workspaceState.update(SCHEDULE_KEY, schedule);
    this.post({ type: 'schedule', schedule });
  }

  /** The handed-over schedule; what is remembered is checked again, as it was when handed over. */
  private schedule(): RunSchedule | undefined {
    const stored = this.deps.context.workspaceState.get<unknown>(SCHEDULE_KEY);
    if (stored === undefined) return undefined;
    const parsed = parseScheduleArgument({ schedule: stored });
    return 'schedule' in parsed ? parsed.schedule : undefined;
  }

  /** Puts parameters into the form (re-run from image) and remembers them. */
  async setForm(form: ParamsForm, note?: string): Promise<void> {
    await this.deps.context.workspaceState.update(FORM_KEY, form);
    this.show();
    this.post({ type: 'form', form, note });
  }

  /** Runs `spec` as it stands, with the form's previews, after what was posted before (a sweep cell opened:
   * the cell again, its steps on view, beside the form restored from it). Its model folders come from an
   * image's record: refused, as Browse… refuses them, where they lie in an untrusted workspace. */
  runExactly(spec: RunSpec): Promise<void> {
    for (const dir of [spec.modelDir, spec.refiner]) if (dir !== undefined) checkModelTrust(dir);
    return this.whenReady(() => {
      const { catalog, samplers, context } = this.deps;
      const form = context.workspaceState.get<ParamsForm>(FORM_KEY);
      const run = form && validateParams(form, { samplers, models: catalog.options() }).run;
      const label = catalog.find({ dir: spec.modelDir })?.label ?? basename(spec.modelDir);
      this.queue.add(this.request(spec, label, run?.preview ?? { every: 1, kind: 'latent' }), 1);
      return Promise.resolve();
    });
  }

  /** A run of this panel: its steps captured for the viewer. */
  private request(spec: RunSpec, modelLabel: string, preview: FormRun['preview'], scheduleLabel?: string): RunRequest {
    const options = { preview, captureLatents: true };
    const family = this.deps.catalog.find({ dir: spec.modelDir })?.family;
    // The panel shows the steps and has Cancel; a toast per run of a queue would only pile up.
    return { spec, modelLabel, family, scheduleLabel, options, origin: 'workbench', progress: 'statusBar' };
  }

  /** "Re-run from image" failed: the panel says so where the last restore's note was. */
  importFailed(message: string): void {
    this.post({ type: 'importFailed', message });
  }

  /** The remembered form (defaults from the first model where nothing is remembered); rescans models, or
   * shares a rescan started at `since` or later. */
  async currentForm(since?: number): Promise<ParamsForm> {
    const models = await this.deps.catalog.refresh(since);
    const native = String(models[0]?.nativeSize ?? 512);
    const defaults: ParamsForm = {
      prompt: '',
      negativePrompt: '',
      seed: '-1',
      // A distilled model starts at its own few steps; others at a quick 20 rather than their family's 50.
      steps: String(isDistilled(models[0]) ? models[0].steps : 20),
      guidanceScale: String(models[0]?.guidanceScale ?? DEFAULT_GUIDANCE),
      sampler: '',
      spacing: 'default',
      originalSize: '',
      cropTopLeft: '',
      targetSize: '',
      width: native,
      height: native,
      batchSize: '1',
      modelId: models[0]?.id ?? '',
      subseed: '-1',
      subseedStrength: '0',
      etaNoiseSeedDelta: '0',
      batchCount: '1',
      previewKind: 'latent',
      previewEvery: '1',
    };
    const form = { ...defaults, ...this.deps.context.workspaceState.get<ParamsForm>(FORM_KEY) };
    if (!models.some((m) => m.id === form.modelId)) form.modelId = defaults.modelId;
    return form;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** A restored tab shown: the panel, unless another already is (opened before this tab was shown). */
  private revive(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      panel.dispose();
      this.panel.reveal();
    } else this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = webviewOptions(this.deps.context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.deps.context.extensionUri, {
      surface: 'workbench',
      title: 'Diffusion Workbench',
    });
    panel.iconPath = vscode.Uri.joinPath(this.deps.context.extensionUri, 'media', 'workbench-activity.svg');
    const timer = new PanelOpenTimer('workbench', this.deps.log);
    // The first snapshot's model rescan starts at the page's first message (its first frame drawn), while the
    // bundle loads, not after it asks; started at creation, it competed with VS Code setting up the frame.
    // An error shows with the snapshot.
    let rescanned = false;
    const subscription = panel.webview.onDidReceiveMessage((m) => {
      if (!rescanned) {
        rescanned = true;
        this.rescanSince = Date.now();
        this.deps.catalog.refresh(this.rescanSince).catch(() => undefined);
      }
      if (timer.receive(m)) return;
      const message = parseFromWorkbench(m);
      if (!message) {
        this.deps.log.warn(
          `workbench: ignored a malformed message from the panel: ${clip(JSON.stringify(m) ?? String(m), 200)}`,
        );
        return;
      }
      this.handle(message).catch((error) => this.fail(error));
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private async handle(m: FromWorkbench): Promise<void> {
    const { catalog, runs, context } = this.deps;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        return this.sendSnapshot();
      case 'formChanged':
        return void (await context.workspaceState.update(FORM_KEY, m.form));
      case 'generate': {
        await context.workspaceState.update(FORM_KEY, m.form);
        const strength = Number(m.image?.strength);
        const checks = {
          samplers: this.deps.samplers,
          models: catalog.options(),
          imageMode: m.image?.mode ?? ('none' as const),
          // A strength that is not a number is the image section's to name.
          imageStrength: Number.isFinite(strength) ? strength : undefined,
        };
        const { run, errors } = validateParams(m.form, checks);
        this.post({ type: 'errors', errors });
        const modelDir = run && catalog.dir(run.modelId);
        if (!run || !modelDir) return;
        const schedule = this.schedule();
        // A handed-over schedule replaces the form's sampler controls (and, when explicit, its steps).
        const spec = schedule ? withSchedule(run.spec, schedule) : run.spec;
        const image = m.image && (await this.imageFields(m.image));
        if (image === null) return;
        const request = this.request(
          { ...spec, ...image, modelDir },
          catalog.label(run.modelId),
          run.preview,
          schedule?.label,
        );
        return this.queue.add(request, m.forever ? Infinity : run.batchCount);
      }
      case 'dropSchedule':
        return this.rememberSchedule(undefined);
      case 'cancel':
        // Cancel stops what is queued too, "Generate forever" included.
        this.queue.clear();
        return runs.cancel();
      case 'browseModel': {
        const id = await catalog.browse();
        if (id) this.post({ type: 'models', models: catalog.options(), selectId: id });
        return;
      }
      case 'openRun':
        return this.openRun(m.runId);
      case 'saveRun':
        return void (await runs.save(m.runId));
      case 'exportTrajectory':
        return this.exportTrajectory(m.runId, m.format, m.bytes);
      case 'imageAction':
        return void (await this.deps.actions.perform(m, (message, isError) =>
          this.post({ type: 'notice', level: isError ? 'error' : 'info', message }),
        ));
      case 'rerunFromImage':
        return void (await vscode.commands.executeCommand('diffusionLab.rerunFromImage'));
      case 'pickInitImage':
      case 'pickMask':
      case 'dropInitImage':
      case 'useRunImage':
        return this.imageMessages.handle(m);
      case 'tokenize': {
        const dir = catalog.dir(m.modelId);
        if (dir) this.post({ type: 'tokens', field: m.field, ...this.tokens.count(dir, m.modelId, m.text) });
        return;
      }
    }
  }

  private async sendSnapshot(): Promise<void> {
    const { catalog, runs, store, samplers } = this.deps;
    // A webview shown again later reloads and asks again: that snapshot rescans.
    const since = this.rescanSince;
    this.rescanSince = undefined;
    const form = await this.currentForm(since);
    const models = catalog.options();
    const live = runs.liveFrames;
    this.post({
      type: 'snapshot',
      snapshot: {
        form,
        models,
        samplers,
        provider: { setting: readProvider(), lastUsed: runs.lastProvider },
        runs: await store.list(),
        activeRunId: this.pendingRunId,
        running: runs.running,
        schedule: this.schedule(),
        queue: this.queue.state(),
      },
    });
    this.pendingRunId = undefined;
    const task = this.afterSnapshot;
    this.afterSnapshot = undefined;
    await task?.();
    if (live) {
      this.post({ type: 'runStarted', run: live.run });
      for (const frame of live.frames) this.post({ type: 'step', runId: live.run.id, frame });
    }
  }

  /** The spec fields of the panel's image input, or null when it has errors (shown under its fields). */
  private async imageFields(input: ImageInputForm) {
    const result = await this.images.specFields(input);
    this.post({ type: 'imageErrors', errors: 'errors' in result ? result.errors : {} });
    return 'fields' in result ? result.fields : null;
  }

  private async openRun(runId: string): Promise<void> {
    const detail = await this.deps.store.detail(runId);
    if (detail) this.post({ type: 'runDetail', detail });
    else this.post({ type: 'notice', level: 'error', message: 'That run is no longer in the gallery.' });
  }

  private async exportTrajectory(runId: string, format: TrajectoryFormat, bytes: Uint8Array): Promise<void> {
    const [run] = (await this.deps.store.list()).filter((r) => r.id === runId);
    const gif = format === 'gif';
    if (!run || bytes.length > MAX_EXPORT_BYTES || imageFormat(bytes) !== (gif ? 'gif' : 'png')) {
      this.deps.log.warn(
        `workbench: refused a ${format} export for run ${runId} (unknown run or not a ${format} file)`,
      );
      return;
    }
    const dir =
      resolveOutputDir() ??
      (
        await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Export here' })
      )?.[0]?.fsPath;
    if (!dir) return;
    // Named after the run's first saved image, so the export sorts beside it.
    const base = run.images[0]?.savedAs?.replace(/\.png$/, '') ?? outputStem(new Date(run.createdAt), run.spec.seed);
    const stem = `${base}-${gif ? 'steps' : 'strip'}`;
    const path = await writeNewFile(dir, stem, gif ? '.gif' : '.png', bytes);
    this.deps.log.info(`workbench: exported ${path}`);
    this.post({ type: 'notice', level: 'info', message: `Exported ${vscode.workspace.asRelativePath(path)}` });
    const choice = await vscode.window.showInformationMessage(
      `Diffusion Lab: exported ${vscode.workspace.asRelativePath(path)}`,
      'Open',
    );
    if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path));
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.log.error(`workbench: ${error instanceof Error ? (error.stack ?? message) : message}`);
    this.post({ type: 'notice', level: 'error', message });
  }

  private post(message: ToWorkbench): void {
    void this.panel?.webview.postMessage(message);
  }
}

/** The window's workbench tabs (a webview tab's view type carries a prefix of VS Code's own). */
function workbenchTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(WORKBENCH_VIEW_TYPE));
}
