// The generate panel: the parameters form on the left; on the right the run on view (its images,
// actions and per-step viewer). State comes from the host ("ready" → snapshot); the webview keeps
// only which run and step it shows (getState/setState), so a reload returns to the same place.
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import 'uplot/dist/uPlot.min.css';
import { classNameOf } from '../../src/protocol/run';
import type { FromWorkbench, RunSummary, StepFrame, ToWorkbench } from '../../src/protocol/workbench';
import { pngUrl } from '../shared/workbenchPixels';
import { button, ParamsFormView, type Button } from './paramsForm';
import { StepViewer } from './stepViewer';
import { trajectoryGif, trajectoryStrip } from './trajectoryExport';
import './workbench.css';

interface SavedState {
  activeRunId?: string;
  step?: number;
}
declare function acquireVsCodeApi(): { postMessage(message: FromWorkbench): void; getState(): SavedState | undefined; setState(state: SavedState): void };

interface RunView {
  summary: RunSummary;
  frames?: StepFrame[];
  pngs?: Uint8Array[];
}

const vscode = acquireVsCodeApi();
const saved: SavedState = vscode.getState() ?? {};
const runs = new Map<string, RunView>();
let activeRunId: string | undefined;
let liveRunId: string | undefined;
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
  save: button('Save', () => activeRunId && vscode.postMessage({ type: 'saveRun', runId: activeRunId }), true),
  copySeed: button('Copy seed', () => activeRunId && vscode.postMessage({ type: 'copy', runId: activeRunId, what: 'seed' }), true),
  copyParameters: button('Copy parameters', () => activeRunId && vscode.postMessage({ type: 'copy', runId: activeRunId, what: 'parameters' }), true),
  // exportTrajectory shows its own errors in the notice.
  exportGif: button('Export GIF', () => void exportTrajectory('gif'), true),
  exportStrip: button('Export strip PNG', () => void exportTrajectory('strip'), true),
};
actions.save.title = 'Save the images and their JSON records in the output folder';

const runPane = element('section', 'run');
runPane.setAttribute('aria-label', 'Run');
runPane.append(element('div', 'run-head', runSelect, status), element('div', 'actions', ...Object.values(actions)), notice, images, viewer.element);
document.body.append(element('main', 'workbench', form.element, runPane));
// Until the host's snapshot fills the form, typing into it would be overwritten.
form.element.inert = true;
updateActions();

window.addEventListener('message', (event: MessageEvent<ToWorkbench>) => {
  const m = event.data;
  switch (m.type) {
    case 'snapshot': {
      const s = m.snapshot;
      form.setChoices(s.models, s.samplers);
      form.write(s.form);
      providerSetting = s.provider.setting;
      form.setProvider(providerSetting, s.provider.lastUsed);
      form.setRunning(s.running);
      form.setSchedule(s.schedule);
      form.element.inert = false;
      for (const run of s.runs) runs.set(run.id, { ...runs.get(run.id), summary: run });
      renderRunList();
      const initial = s.activeRunId ?? saved.activeRunId ?? s.runs[0]?.id;
      if (initial && runs.has(initial)) openRun(initial, s.activeRunId ? undefined : saved.step);
      return;
    }
    case 'form':
      form.write(m.form);
      if (m.note) showNotice(m.note);
      return;
    case 'models':
      form.setModels(m.models, m.selectId);
      return;
    case 'errors':
      form.showErrors(m.errors);
      return;
    case 'runStarted':
      liveRunId = m.run.id;
      runs.set(m.run.id, { summary: m.run, frames: [], pngs: [] });
      form.setRunning(true);
      renderRunList();
      show(m.run.id);
      return;
    case 'step': {
      const run = runs.get(m.runId);
      if (!run) return;
      if (m.runId === activeRunId) viewer.append(m.frame);
      else run.frames?.push(m.frame);
      if (m.runId === activeRunId) renderStatus();
      return;
    }
    case 'runFinished': {
      const run = runs.get(m.run.id) ?? { summary: m.run };
      if (m.run.status === 'done' || !runs.has(m.run.id)) runs.set(m.run.id, { ...run, summary: m.run, pngs: m.pngs });
      else runs.delete(m.run.id);
      if (m.run.id === liveRunId) {
        liveRunId = undefined;
        form.setRunning(false);
      }
      if (m.run.status === 'done') {
        form.rememberSeed(m.run.spec.seed);
        form.setProvider(providerSetting, m.run.provider);
      }
      else showNotice(m.run.status === 'cancelled' ? 'Run cancelled.' : `Run failed: ${m.run.error}`, m.run.status === 'failed');
      renderRunList();
      if (runs.has(m.run.id)) show(m.run.id, viewer.step);
      else if (activeRunId === m.run.id) {
        activeRunId = undefined;
        renderStatus();
      }
      return;
    }
    case 'runUpdated': {
      const run = runs.get(m.run.id);
      if (run) run.summary = m.run;
      if (m.run.id === activeRunId) renderStatus();
      return;
    }
    case 'runDetail': {
      const { run, frames, pngs } = m.detail;
      runs.set(run.id, { summary: run, frames, pngs });
      if (run.id === activeRunId) show(run.id, saved.activeRunId === run.id ? saved.step : undefined);
      return;
    }
    case 'notice':
      showNotice(m.message, m.level === 'error');
      return;
    case 'schedule':
      form.setSchedule(m.schedule);
      return;
  }
});
vscode.postMessage({ type: 'ready' });

function openRun(runId: string, step?: number): void {
  const run = runs.get(runId);
  if (!run) return;
  activeRunId = runId;
  if (run.frames && run.pngs) show(runId, step);
  else {
    remember({ activeRunId: runId, step });
    vscode.postMessage({ type: 'openRun', runId });
  }
}

function show(runId: string, step?: number): void {
  const run = runs.get(runId)!;
  activeRunId = runId;
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
  viewer.show(run.frames ?? [], runId === liveRunId ? undefined : step);
  renderStatus();
}

function renderRunList(): void {
  const ordered = [...runs.values()].sort((a, b) => b.summary.createdAt.localeCompare(a.summary.createdAt));
  runSelect.replaceChildren(
    ...ordered.map(({ summary: r }) => {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', r.id);
      o.textContent = `${new Date(r.createdAt).toLocaleTimeString()} · ${r.spec.prompt.slice(0, 40) || '(no prompt)'} · seed ${r.spec.seed}${r.status === 'running' ? ' · running' : ''}`;
      return o;
    }),
  );
  if (activeRunId) runSelect.value = activeRunId;
}

function renderStatus(): void {
  const run = activeRunId ? runs.get(activeRunId)?.summary : undefined;
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
  const run = activeRunId ? runs.get(activeRunId) : undefined;
  const done = run?.summary.status === 'done';
  actions.save.disabled = !done || run.summary.images.every((i) => i.savedAs);
  actions.copySeed.disabled = actions.copyParameters.disabled = !done;
  actions.exportGif.disabled = actions.exportStrip.disabled = !done || !(run.frames?.length);
}

async function exportTrajectory(format: 'gif' | 'strip'): Promise<void> {
  const run = activeRunId ? runs.get(activeRunId) : undefined;
  if (!run?.frames?.length) return;
  showNotice(`Encoding the ${format === 'gif' ? 'GIF' : 'strip'}…`);
  try {
    const bytes = format === 'gif' ? trajectoryGif(run.frames) : await trajectoryStrip(run.frames);
    vscode.postMessage({ type: 'exportTrajectory', runId: run.summary.id, format, bytes });
  } catch (error) {
    showNotice(`Export failed: ${(error as Error).message}`, true);
  }
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
