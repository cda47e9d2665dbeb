// The generate panel: the parameters form on the left; on the right the run on view (its images,
// actions and per-step viewer). State comes from the host ("ready" → snapshot); the webview keeps
// only which run and step it shows (getState/setState), so a reload returns to the same place.
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import 'uplot/dist/uPlot.min.css';
import { classNameOf } from '../../src/protocol/run';
import type { FromWorkbench, ToWorkbench } from '../../src/protocol/workbench';
import { pngUrl } from '../shared/workbenchPixels';
import { button, ParamsFormView, type Button } from './paramsForm';
import { RunsStore } from './runsStore';
import { StepViewer } from './stepViewer';
import { trajectoryGif, trajectoryStrip } from './trajectoryExport';
import './workbench.css';

interface SavedState {
  activeRunId?: string;
  step?: number;
}
declare function acquireVsCodeApi(): {
  postMessage(message: FromWorkbench): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
};

const vscode = acquireVsCodeApi();
const saved: SavedState = vscode.getState() ?? {};
const store = new RunsStore();
let formTimer: number | undefined;
let providerSetting = 'auto';

const form = new ParamsFormView({
  changed: (f) => {
    window.clearTimeout(formTimer);
    formTimer = window.setTimeout(() => vscode.postMessage({ type: 'formChanged', form: f }), 300);
  },
  generate: (f) => vscode.postMessage({ type: 'generate', form: f }),
  cancel: () => vscode.postMessage({ type: 'cancel' }),
  browse: () => vscode.postMessage({ type: 'browseModel' }),
  rerunFromImage: () => vscode.postMessage({ type: 'rerunFromImage' }),
  dropSchedule: () => vscode.postMessage({ type: 'dropSchedule' }),
});
const viewer = new StepViewer((step) => remember({ step }));

const runSelect = document.createElement('vscode-single-select') as HTMLElement & { value: string };
runSelect.id = 'run-select';
runSelect.setAttribute('aria-label', 'Run on view');
runSelect.addEventListener('change', () => openRun(runSelect.value));
const status = element('p', 'status');
status.setAttribute('role', 'status');
const notice = element('p', 'notice');
notice.setAttribute('role', 'status');
const images = element('div', 'images');
const actions: Record<string, Button> = {
  save: button('Save', activeRunAction((runId) => ({ type: 'saveRun', runId })), true),
  copySeed: button('Copy seed', activeRunAction((runId) => ({ type: 'copy', runId, what: 'seed' })), true),
  copyParameters: button(
    'Copy parameters',
    activeRunAction((runId) => ({ type: 'copy', runId, what: 'parameters' })),
    true,
  ),
  // exportTrajectory shows its own errors in the notice.
  exportGif: button('Export GIF', () => void exportTrajectory('gif'), true),
  exportStrip: button('Export strip PNG', () => void exportTrajectory('strip'), true),
};
actions.save.title = 'Save the images and their JSON records in the output folder';

const runPane = element('section', 'run');
runPane.setAttribute('aria-label', 'Run');
runPane.append(
  element('div', 'run-head', runSelect, status),
  element('div', 'actions', ...Object.values(actions)),
  notice,
  images,
  viewer.element,
);
document.body.append(element('main', 'workbench', form.element, runPane));
// Until the host's snapshot fills the form, typing into it would be overwritten.
form.element.inert = true;
updateActions();

type Handlers = { [K in ToWorkbench['type']]: (m: Extract<ToWorkbench, { type: K }>) => void };

const handlers: Handlers = {
  snapshot: ({ snapshot: s }) => {
    form.setChoices(s.models, s.samplers);
    form.write(s.form);
    providerSetting = s.provider.setting;
    form.setProvider(providerSetting, s.provider.lastUsed);
    form.setRunning(s.running);
    form.setSchedule(s.schedule);
    form.element.inert = false;
    store.snapshot(s.runs);
    renderRunList();
    const initial = s.activeRunId ?? saved.activeRunId ?? s.runs[0]?.id;
    if (initial) openRun(initial, s.activeRunId ? undefined : saved.step);
  },
  form: (m) => {
    form.write(m.form);
    if (m.note) showNotice(m.note);
  },
  models: (m) => form.setModels(m.models, m.selectId),
  errors: (m) => form.showErrors(m.errors),
  runStarted: ({ run }) => {
    store.runStarted(run);
    form.setRunning(true);
    renderRunList();
    renderActiveRun();
  },
  step: ({ runId, frame }) => {
    if (!store.step(runId, frame) || runId !== store.activeRunId) return;
    viewer.append(frame);
    renderStatus();
  },
  runFinished: ({ run, pngs }) => {
    store.runFinished(run, pngs);
    form.setRunning(store.liveRunId !== undefined);
    if (run.status === 'done') {
      form.rememberSeed(run.spec.seed);
      form.setProvider(providerSetting, run.provider);
    } else {
      showNotice(run.status === 'cancelled' ? 'Run cancelled.' : `Run failed: ${run.error}`, run.status === 'failed');
    }
    renderRunList();
    if (store.activeRunId === run.id) renderActiveRun(viewer.step);
    else renderStatus();
  },
  runUpdated: ({ run }) => {
    store.runUpdated(run);
    if (run.id === store.activeRunId) renderStatus();
  },
  runDetail: ({ detail }) => {
    store.runDetail(detail);
    const { id } = detail.run;
    if (id === store.activeRunId) renderActiveRun(saved.activeRunId === id ? saved.step : undefined);
  },
  notice: (m) => showNotice(m.message, m.level === 'error'),
  schedule: (m) => form.setSchedule(m.schedule),
};

window.addEventListener('message', (event: MessageEvent<ToWorkbench>) => {
  // The table's type pairs each kind with its handler; TypeScript cannot follow that through a union.
  (handlers[event.data.type] as (m: ToWorkbench) => void)(event.data);
});
vscode.postMessage({ type: 'ready' });

function openRun(runId: string, step?: number): void {
  if (!store.open(runId)) return;
  const run = store.activeRun!;
  if (run.frames && run.pngs) renderActiveRun(step);
  else {
    remember({ activeRunId: runId, step });
    vscode.postMessage({ type: 'openRun', runId });
  }
}

/** Shows the run on view: its images and its steps, on `step` (the last, following, when absent). */
function renderActiveRun(step?: number): void {
  const run = store.activeRun!;
  const runId = run.summary.id;
  runSelect.value = runId;
  remember({ activeRunId: runId, step });
  for (const img of images.querySelectorAll('img')) URL.revokeObjectURL(img.src);
  images.replaceChildren(
    ...(run.pngs ?? []).map((png, i) => {
      const img = document.createElement('img');
      img.src = pngUrl(png);
      const seed = run.summary.images[i]?.seed ?? run.summary.spec.seed;
      img.alt = `Image ${i + 1} of "${run.summary.spec.prompt}", seed ${seed}`;
      img.title = run.summary.images[i]?.savedAs ?? 'not saved';
      return img;
    }),
  );
  viewer.show(run.frames ?? [], runId === store.liveRunId ? undefined : step);
  renderStatus();
}

function renderRunList(): void {
  runSelect.replaceChildren(
    ...store.list().map(({ summary: r }) => {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', r.id);
      const prompt = r.spec.prompt.slice(0, 40) || '(no prompt)';
      const running = r.status === 'running' ? ' · running' : '';
      o.textContent = `${new Date(r.createdAt).toLocaleTimeString()} · ${prompt} · seed ${r.spec.seed}${running}`;
      return o;
    }),
  );
  const { activeRunId } = store;
  if (activeRunId) runSelect.value = activeRunId;
}

function renderStatus(): void {
  const run = store.activeRun?.summary;
  if (!run) {
    status.textContent = 'No run yet: set the parameters and press Generate (Ctrl+Enter).';
  } else {
    const p = run.spec;
    const saved = run.images.filter((i) => i.savedAs).map((i) => i.savedAs);
    status.textContent = [
      run.status === 'running' ? 'running' : run.status,
      run.modelLabel,
      run.scheduleLabel && `schedule ${run.scheduleLabel}`,
      run.schedulerClass || (classNameOf(p.scheduler) ?? "model's scheduler"),
      `${p.steps} steps`,
      p.guidanceScale !== undefined && `CFG ${p.guidanceScale}`,
      `seed ${p.seed}`,
      `${p.width}×${p.height}`,
      run.provider && `on ${run.provider}`,
      run.totalMs !== undefined && `${(run.totalMs / 1000).toFixed(2)} s`,
      saved.length ? `saved as ${saved.join(', ')}` : run.status === 'done' ? 'not saved' : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
  }
  updateActions();
}

function updateActions(): void {
  const run = store.activeRun;
  const done = run?.summary.status === 'done';
  actions.save.disabled = !done || run.summary.images.every((i) => i.savedAs);
  actions.copySeed.disabled = actions.copyParameters.disabled = !done;
  actions.exportGif.disabled = actions.exportStrip.disabled = !done || !(run.frames?.length);
}

async function exportTrajectory(format: 'gif' | 'strip'): Promise<void> {
  const run = store.activeRun;
  if (!run?.frames?.length) return;
  showNotice(`Encoding the ${format === 'gif' ? 'GIF' : 'strip'}…`);
  try {
    const bytes = format === 'gif' ? trajectoryGif(run.frames) : await trajectoryStrip(run.frames);
    vscode.postMessage({ type: 'exportTrajectory', runId: run.summary.id, format, bytes });
  } catch (error) {
    showNotice(`Export failed: ${(error as Error).message}`, true);
  }
}

/** A button's action: posts the message for the run on view, if any. */
function activeRunAction(message: (runId: string) => FromWorkbench): () => void {
  return () => {
    const { activeRunId } = store;
    if (activeRunId) vscode.postMessage(message(activeRunId));
  };
}

function showNotice(text: string, isError = false): void {
  notice.textContent = text;
  notice.classList.toggle('error', isError);
}

function remember(change: SavedState): void {
  Object.assign(saved, change);
  vscode.setState(saved);
}

function element(tag: string, className: string, ...children: HTMLElement[]): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  e.append(...children);
  return e;
}
