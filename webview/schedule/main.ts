// The schedule inspector webview: receives the document's schedules from the host, computes the
// curves with the core and draws them; findings and errors show inline above the plots, and the
// last good plots stay (dimmed) while the document is broken, so the view is never blank.
import 'uplot/dist/uPlot.min.css';
import '../shared/toolbar.css';
import './schedule.css';
import type {
  ExportFormat,
  HostToInspector,
  InspectorFinding,
  InspectorToHost,
  ScheduleEntry,
  ScheduleSource,
} from '../../src/protocol/schedule';
import { schedulerClassNames } from '../../src/core/samplers/registry';
import { specSteps } from '../../src/protocol/run';
import { plotsToCsv, plotsToPng, plotsToSvg } from '../shared/plotExport';
import { formatNumber, plotTheme, seriesColor } from '../shared/plotTheme';
import { restoreState } from './inspectorState';
import { PlotGrid } from './plotGrid';
import { plotSpecs, type DrawnSchedule } from './plotSpecs';
import { computeSchedule, variantEntry, type ComputedSchedule } from './scheduleSeries';
import { Toolbar } from './toolbar';
import { reportPanelOpen } from '../shared/panelOpened';
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';

declare function acquireVsCodeApi(): {
  postMessage(message: InspectorToHost | PanelOpenedMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
};

/** More curves than this make an unreadable chart and slow redraws. */
const MAX_CURVES = 24;

const vscode = acquireVsCodeApi();
const opened = reportPanelOpen((m) => vscode.postMessage(m));
let state = restoreState(vscode.getState());
let documentSource: ScheduleSource | undefined;
let documentVersion = 0;
let overlays: ScheduleSource[] = [];

const toolbar = new Toolbar(state, schedulerClassNames, {
  change(next) {
    state = next;
    vscode.setState(state);
    render();
  },
  addOverlay: () => vscode.postMessage({ type: 'addOverlayFile' }),
  removeOverlay: (id) => vscode.postMessage({ type: 'removeOverlay', id }),
  export: (format) => void exportPlots(format),
  generate: (schedule, sampler, steps) => vscode.postMessage({ type: 'generate', schedule, sampler, steps }),
  showOnImage: () => vscode.postMessage({ type: 'showOnImage' }),
});
const status = document.createElement('div');
status.className = 'status';
status.setAttribute('role', 'status');
const findingsList = document.createElement('div');
findingsList.className = 'findings';
const facts = document.createElement('p');
facts.className = 'facts';
const gridElement = document.createElement('div');
gridElement.className = 'grid';
const grid = new PlotGrid(gridElement);
let plotted = false;
document.body.append(toolbar.element, status, findingsList, facts, gridElement);
setStatus('info', 'Waiting for the document…');

window.addEventListener('message', (event: MessageEvent<HostToInspector>) => {
  const message = event.data;
  switch (message.type) {
    case 'document':
      documentSource = message.source;
      documentVersion = message.version;
      break;
    case 'overlays':
      overlays = message.overlays;
      break;
    default:
      return;
  }
  render();
  if (documentSource) opened();
});
vscode.postMessage({ type: 'ready' });

function render(): void {
  if (!documentSource) return;
  const source = documentSource;
  renderFindings(source);
  const names = source.schedules.map((s) => s.name);
  const primary = source.schedules.find((s) => s.name === state.primary) ?? source.schedules[0];
  const all = [...source.schedules, ...overlays.flatMap((o) => o.schedules)];
  toolbar.show(names, overlays, fixedSteps(all, primary));
  const problems: string[] = [];
  if (source.error) return showBroken(source.error);
  const drawn: DrawnSchedule[] = [];
  let primaryComputed: ComputedSchedule | undefined;
  const add = (entry: ScheduleEntry, label: string, color: string, dash?: number[]) => {
    if (drawn.length >= MAX_CURVES) return;
    try {
      const computed = computeSchedule(entry, { className: state.sampler || undefined, steps: state.steps });
      drawn.push({ label, color, dash, computed });
      if (entry === primary) primaryComputed = computed;
    } catch (error) {
      problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  source.schedules.forEach((s, i) => add(s, s.name, seriesColor(i)));
  let color = source.schedules.length;
  if (primary) {
    const className = state.sampler || String(primary.config._class_name);
    for (const id of state.variants) {
      const v = variantEntry(primary, id, className);
      if (typeof v === 'string') problems.push(`${primary.name} · ${id}: ${v}`);
      else add(v, v.name, seriesColor(color++), [6, 4]);
    }
  }
  for (const o of overlays) {
    if (o.error) problems.push(`${o.label}: ${o.error}`);
    // A file with one schedule is labelled by the file alone.
    o.schedules.forEach((s) =>
      add(s, o.schedules.length === 1 ? o.label : `${o.label}: ${s.name}`, seriesColor(color++), [2, 3]),
    );
  }
  if (drawn.length >= MAX_CURVES) problems.push(`Showing the first ${MAX_CURVES} curves.`);
  if (drawn.length === 0) return showBroken(problems.join(' · ') || 'Nothing to plot.');
  setStatus(problems.length ? 'warning' : 'ok', problems.join(' · '));
  facts.textContent = primaryComputed ? describeFacts(primaryComputed) : '';
  facts.classList.remove('stale');
  gridElement.classList.remove('stale');
  delete gridElement.dataset.empty;
  grid.update(plotSpecs(drawn));
  plotted = true;
  markRendered();
}

/** The error inline; the last good plots stay, dimmed, or a line says why there are none yet. */
function showBroken(message: string): void {
  setStatus('error', message);
  // The last good facts and plots stay, dimmed, so they are not read as the broken file's.
  facts.classList.toggle('stale', plotted);
  facts.title = plotted ? 'From the last valid version of the file' : '';
  gridElement.classList.toggle('stale', plotted);
  if (!plotted) gridElement.dataset.empty = 'Nothing to plot until the document is fixed.';
  markRendered();
}

function renderFindings(source: ScheduleSource): void {
  const item = (f: InspectorFinding) => {
    const li = document.createElement('li');
    li.className = f.severity;
    const link = document.createElement('a');
    link.href = '#';
    link.textContent = `line ${f.line + 1}`;
    link.addEventListener('click', (e) => {
      e.preventDefault();
      vscode.postMessage({ type: 'reveal', line: f.line });
    });
    li.append(`${f.severity}: ${f.message} (`, link, ')');
    return li;
  };
  const problems = document.createElement('ul');
  problems.append(...source.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map(item));
  // Notes (keys a class ignores, metadata) are many in real configs; folded so the plots stay in view.
  const infos = source.findings.filter((f) => f.severity === 'info');
  const notes = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = `${infos.length} note${infos.length === 1 ? '' : 's'}`;
  const list = document.createElement('ul');
  list.append(...infos.map(item));
  notes.append(summary, list);
  findingsList.replaceChildren(...(problems.children.length ? [problems] : []), ...(infos.length ? [notes] : []));
}

function describeFacts(c: ComputedSchedule): string {
  const lambda = Math.log(c.terminalSnr);
  return (
    `${c.className} · terminal SNR ${formatNumber(c.terminalSnr)} (log-SNR ${formatNumber(lambda)})` +
    ` · training σ from ${formatNumber(c.sigmaMin)} to ${formatNumber(c.sigmaMax)}` +
    ` · ${c.steps.timesteps.length} model calls`
  );
}

function setStatus(kind: 'ok' | 'info' | 'warning' | 'error', text: string): void {
  status.className = `status ${kind}`;
  status.textContent = text;
  status.hidden = text === '';
}

/** uPlot draws in a microtask after setData; the attribute is set after that, for tests and the bench. */
function markRendered(): void {
  const version = documentVersion;
  queueMicrotask(() => (document.body.dataset.renderedVersion = String(version)));
}

async function exportPlots(format: ExportFormat): Promise<void> {
  const plots = grid.exportable();
  if (!plotted || plots.length === 0) return setStatus('warning', 'Nothing to export yet.');
  const base = `${documentSource?.label ?? 'schedule'}-schedule.${format}`;
  const theme = plotTheme();
  const data =
    format === 'csv' ? plotsToCsv(plots) : format === 'svg' ? plotsToSvg(plots, theme) : await plotsToPng(plots, theme);
  vscode.postMessage({ type: 'export', format, fileName: base, data });
}

/** The chosen schedule's step count where every schedule drawn (the document's, the overlay files') fixes its
 * own (explicit timesteps, or σ with the final one): the Steps box changes none of them. */
function fixedSteps(schedules: readonly ScheduleEntry[], primary: ScheduleEntry | undefined): number | undefined {
  return primary && schedules.every((s) => s.timesteps || s.sigmas) ? specSteps(primary) : undefined;
}
