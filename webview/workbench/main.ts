// The generate panel: the parameters form on the left; on the right the run on view (its images as
// a grid, each with its actions, and the per-step viewer); stacked, results first, when narrow.
// State comes from the host ("ready" → snapshot); the webview keeps only which run and step it
// shows (getState/setState), so a reload returns to the same place.
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import 'uplot/dist/uPlot.min.css';
import { clip } from '../../src/core/clip';
import { imageActionsExcept } from '../../src/protocol/imageActions';
import { runGuidanceLabel, runSamplerLabel } from '../../src/protocol/runLabels';
import type { FromWorkbench, ParamsForm, PromptField, RunSummary, ToWorkbench } from '../../src/protocol/workbench';
import { enlarge, imageActionBar } from '../shared/imageActions';
import { InitImageSection } from './initImage';
import { overflowMenu } from './overflowMenu';
import { pngUrl } from '../shared/workbenchPixels';
import { button, ParamsFormView, type Button } from './paramsForm';
import { PromptFeedback } from './promptFeedback';
import { PromptHistory } from './promptHistory';
import { RunsStore } from './runsStore';
import { capturedFrames, StepViewer } from './stepViewer';
import { trajectoryGif, trajectoryStrip } from './trajectoryExport';
import { reportPanelOpen } from '../shared/panelOpened';
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';
import './workbench.css';

interface SavedState {
  activeRunId?: string;
  step?: number;
}
declare function acquireVsCodeApi(): {
  postMessage(message: FromWorkbench | PanelOpenedMessage): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
};

const vscode = acquireVsCodeApi();
const opened = reportPanelOpen((m) => vscode.postMessage(m));
const saved: SavedState = vscode.getState() ?? {};
const store = new RunsStore();
let formTimer: number | undefined;
let providerSetting = 'auto';

const form = new ParamsFormView({
  changed: (f) => {
    feedbackChanged(f);
    window.clearTimeout(formTimer);
    formTimer = window.setTimeout(() => vscode.postMessage({ type: 'formChanged', form: f }), 300);
  },
  generate: (f, forever) => void generateWith(f, forever),
  cancel: () => vscode.postMessage({ type: 'cancel' }),
  browse: () => vscode.postMessage({ type: 'browseModel' }),
  rerunFromImage: () => vscode.postMessage({ type: 'rerunFromImage' }),
  dropSchedule: () => vscode.postMessage({ type: 'dropSchedule' }),
});
const initImage = new InitImageSection({
  pick: () => vscode.postMessage({ type: 'pickInitImage' }),
  drop: (name, bytes) => vscode.postMessage({ type: 'dropInitImage', name, bytes }),
  useImageOnView: () => useImageOnView(false),
  pickMask: (initImageId) => vscode.postMessage({ type: 'pickMask', initImageId }),
});
form.addSection(initImage.element);
const viewer = new StepViewer((step) => remember({ step }));
const feedback: Record<PromptField, PromptFeedback> = {
  prompt: promptFeedback('prompt'),
  negativePrompt: promptFeedback('negativePrompt'),
};
const history = new PromptHistory();
form.promptBox('prompt').addEventListener('input', () => history.typed());
form.promptBox('prompt').addEventListener('keydown', recallPrompt);

const runSelect = document.createElement('vscode-single-select') as HTMLElement & { value: string };
runSelect.id = 'run-select';
runSelect.setAttribute('aria-label', 'Run on view');
runSelect.addEventListener('change', () => openRun(runSelect.value));
const status = element('p', 'status');
status.setAttribute('role', 'status');
const notice = element('p', 'notice');
notice.setAttribute('role', 'status');
/** The form's own note (what a restore kept), cleared by the next run or a failed import. */
const formNote = element('p', 'notice form-note');
formNote.setAttribute('role', 'status');
const images = element('div', 'images');
/** The workbench is where "open" leads, so it offers the other actions. */
const TILE_ACTIONS = imageActionsExcept('open', 'forward');
const actions: Record<string, Button> = {
  save: button(
    'Save',
    activeRunAction((runId) => ({ type: 'saveRun', runId })),
    true,
  ),
  // exportTrajectory shows its own errors in the notice.
  exportGif: button('Export GIF', () => void exportTrajectory('gif'), true),
  exportStrip: button('Export strip PNG', () => void exportTrajectory('strip'), true),
  generateOnImage: button('Generate on this image', () => useImageOnView(true), true),
};
actions.generateOnImage.title = "Image-to-image from the run's first image, with the form and Init image settings";
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
document.body.append(element('main', 'workbench', element('div', 'form-column', formNote, form.element), runPane));
// Until the host's snapshot fills the form, typing into it would be overwritten.
form.element.inert = true;
// No steps to show (nor Play and a scrubber) until a run is on view.
viewer.element.hidden = true;
updateActions();

type Handlers = { [K in ToWorkbench['type']]: (m: Extract<ToWorkbench, { type: K }>) => void };

const handlers: Handlers = {
  snapshot: ({ snapshot: s }) => {
    form.setChoices(s.models, s.samplers);
    form.write(s.form);
    feedbackChanged(s.form, false);
    providerSetting = s.provider.setting;
    form.setProvider(providerSetting, s.provider.lastUsed);
    form.setRunning(s.running);
    form.setQueue(s.queue);
    form.setSchedule(s.schedule);
    form.element.inert = false;
    store.snapshot(s.runs);
    renderRunList();
    const initial = s.activeRunId ?? saved.activeRunId ?? s.runs[0]?.id;
    if (initial) openRun(initial, s.activeRunId ? undefined : saved.step);
    else renderStatus();
    opened();
  },
  form: (m) => {
    form.write(m.form);
    feedbackChanged(m.form, false);
    showFormNote(m.note ?? '');
    // Stacked, the form is below the run on view, which is not the one restored: show what changed.
    if (m.note) bringIntoView(formNote);
  },
  importFailed: (m) => showFormNote(m.message, true),
  models: (m) => form.setModels(m.models, m.selectId),
  errors: (m) => form.showErrors(m.errors),
  runStarted: ({ run }) => {
    showFormNote('');
    showNotice('');
    store.runStarted(run);
    form.setRunning(true);
    renderRunList();
    renderActiveRun();
    bringIntoView(runPane);
  },
  step: ({ runId, frame }) => {
    if (!store.step(runId, frame) || runId !== store.activeRunId) return;
    viewer.append(frame);
    renderStatus();
  },
  runFinished: ({ run, pngs }) => {
    const wasOnView = store.activeRunId === run.id;
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
    else if (wasOnView) renderViewed();
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
  queue: (m) => form.setQueue(m.queue),
  tokens: (m) => feedback[m.field].show(m),
  initImage: (m) => {
    initImage.show(m.image, m.settings);
    if (!m.generate) return;
    initImage.preferImageToImage();
    form.submit(false);
  },
  maskFile: (m) => void initImage.loadMask(m.bytes, m.mime),
  imageErrors: (m) => initImage.showErrors(m.errors),
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

/** Shows the run on view (asking the host for its steps and images where they have not come), or (none on
 * view) no images and no steps. */
function renderViewed(): void {
  if (store.activeRunId !== undefined) return openRun(store.activeRunId);
  clearImages();
  viewer.element.hidden = true;
  renderStatus();
}

/** Shows the run on view: its images and its steps, on `step` (the last, following, when absent). */
function renderActiveRun(step?: number): void {
  const run = store.activeRun!;
  const runId = run.summary.id;
  runSelect.value = runId;
  remember({ activeRunId: runId, step });
  const pngs = run.pngs ?? [];
  clearImages();
  // As close to square as the batch allows; CSS fits the grid to the pane.
  const cols = Math.ceil(Math.sqrt(pngs.length));
  images.style.setProperty('--cols', String(cols));
  images.style.setProperty('--rows', String(Math.max(1, Math.ceil(pngs.length / cols))));
  images.replaceChildren(...pngs.map((png, i) => imageTile(run.summary, png, i)));
  const live = runId === store.liveRunId;
  viewer.element.hidden = false;
  viewer.show(run.frames ?? [], run.summary.status, live ? undefined : step);
  renderStatus();
}

function clearImages(): void {
  for (const img of images.querySelectorAll('img')) URL.revokeObjectURL(img.src);
  images.replaceChildren();
}

/** One image of the run on view: click to enlarge; its actions below it. */
function imageTile(run: RunSummary, png: Uint8Array, index: number): HTMLElement {
  const img = document.createElement('img');
  img.src = pngUrl(png);
  const seed = run.images[index]?.seed ?? run.spec.seed;
  img.alt = `Image ${index + 1} of "${run.spec.prompt}", seed ${seed}`;
  img.title = 'Click to enlarge';
  img.addEventListener('click', () => enlarge(img, img.alt));
  const unavailable = run.images[index]?.savedAs ? {} : { reveal: 'Not saved: press Save first' };
  const bar = imageActionBar({ runId: run.id, index }, TILE_ACTIONS, (m) => vscode.postMessage(m), unavailable);
  const tile = element('figure', 'image-tile', img);
  // A batch's images differ by seed: each says its own, as A1111's gallery does under an image.
  if (run.images.length > 1)
    tile.append(Object.assign(document.createElement('figcaption'), { textContent: `seed ${seed}` }));
  tile.append(overflowMenu([bar], `Actions on image ${index + 1}`));
  return tile;
}

function renderRunList(): void {
  history.setPrompts(store.list().map((r) => r.summary.spec.prompt));
  runSelect.replaceChildren(
    ...store.list().map(({ summary: r }) => {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', r.id);
      const prompt = clip(r.spec.prompt, 48) || '(no prompt)';
      const running = r.status === 'running' ? ' · running' : '';
      o.textContent = `${new Date(r.createdAt).toLocaleTimeString()} · ${prompt} · seed ${r.spec.seed}${running}`;
      return o;
    }),
  );
  const { activeRunId } = store;
  if (activeRunId) runSelect.value = activeRunId;
  runSelect.hidden = store.list().length === 0;
}

function renderStatus(): void {
  const run = store.activeRun?.summary;
  if (!run) {
    status.textContent = store.list().length
      ? 'No run on view: pick one above, or set the parameters and press Generate (Ctrl+Enter).'
      : 'No run yet: set the parameters and press Generate (Ctrl+Enter).';
  } else {
    status.textContent = statusLine(run);
    // The file names are long: they go in the tooltip, not the line.
    const saved = run.images.flatMap((i) => (i.savedAs ? [i.savedAs] : []));
    status.title = saved.length ? `Saved as\n${saved.join('\n')}` : '';
  }
  updateActions();
}

function updateActions(): void {
  const run = store.activeRun;
  const done = run?.summary.status === 'done';
  actions.save.disabled = !done || run.summary.images.every((i) => i.savedAs);
  actions.generateOnImage.disabled = !done || !run.pngs?.length;
  actions.exportGif.disabled = actions.exportStrip.disabled = !done || capturedFrames(run.frames ?? []).length === 0;
}

/** One short line: what ran, its seeds, how long, and whether it is saved. */
function statusLine(run: RunSummary): string {
  const p = run.spec;
  const n = run.images.length;
  const seeds =
    n > 1 && run.images[0].seed !== run.images[n - 1].seed
      ? `seeds ${run.images[0].seed}–${run.images[n - 1].seed}`
      : `seed ${p.seed}`;
  return [
    run.status,
    run.modelLabel,
    run.scheduleLabel && `schedule ${run.scheduleLabel}`,
    runSamplerLabel(run),
    stepsText(run),
    runGuidanceLabel(run),
    seeds,
    p.subseedStrength && `variation seed ${p.subseed} at strength ${p.subseedStrength}`,
    p.etaNoiseSeedDelta && `ENSD ${p.etaNoiseSeedDelta}`,
    p.initImage && (p.invert ? inversionText(run) : initImageText(run)),
    `${p.width}×${p.height}`,
    // A no-break space: a wrapped line must not leave the unit alone at the start of the next.
    run.totalMs !== undefined && `${(run.totalMs / 1000).toFixed(2)}\u00a0s`,
    savedText(run),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Whether a strength below 1 sampled fewer steps than asked (6 steps at 0.9 run 5). */
function stepsCut({ spec, stepsRun }: RunSummary): boolean {
  return stepsRun !== undefined && stepsRun !== spec.steps;
}

function stepsText(run: RunSummary): string {
  const { steps, strength } = run.spec;
  return stepsCut(run) ? `${steps} steps (${run.stepsRun} at strength ${strength})` : `${steps} steps`;
}

/** Image-to-image or inpainting, with its strength unless the steps said it. */
function initImageText(run: RunSummary): string {
  const mode = run.spec.mask ? 'inpaint' : 'img2img';
  return stepsCut(run) ? mode : `${mode} strength ${run.spec.strength}`;
}

/** An inversion, with its reconstruction's PSNR once it has run. */
function inversionText({ psnr }: RunSummary): string {
  return psnr === undefined ? 'inverted' : `inverted, reconstruction PSNR ${psnr.toFixed(1)} dB`;
}

/** Whether the run's images are saved; one file name fits the line, a batch's would not. */
function savedText({ images, status }: RunSummary): string | undefined {
  const saved = images.filter((i) => i.savedAs).length;
  if (images.length === 1 && images[0].savedAs) return `saved as ${images[0].savedAs}`;
  if (saved > 0) return saved === images.length ? 'saved' : `${saved} of ${images.length} saved`;
  return status === 'done' ? 'not saved' : undefined;
}

async function exportTrajectory(format: 'gif' | 'strip'): Promise<void> {
  const run = store.activeRun;
  const frames = capturedFrames(run?.frames ?? []);
  if (!run || frames.length === 0) return;
  showNotice(`Encoding the ${format === 'gif' ? 'GIF' : 'strip'}…`);
  try {
    const bytes = format === 'gif' ? trajectoryGif(frames) : await trajectoryStrip(frames);
    vscode.postMessage({ type: 'exportTrajectory', runId: run.summary.id, format, bytes });
  } catch (error) {
    showNotice(`Export failed: ${(error as Error).message}`, true);
  }
}

/** Sends the form, with the init image section's input when it holds an image. */
async function generateWith(f: ParamsForm, forever: boolean): Promise<void> {
  const image = await initImage.read();
  if (image === 'invalid') return;
  vscode.postMessage({ type: 'generate', form: f, ...(forever && { forever }), ...(image && { image }) });
}

/** The run on view's first image as the init image; `generate`: then run on it. */
function useImageOnView(generate: boolean): void {
  const run = store.activeRun;
  if (run?.summary.status !== 'done' || !run.pngs?.length) {
    initImage.showErrors({ initImage: 'No image on view yet: generate one, or open a run.' });
    return;
  }
  vscode.postMessage({ type: 'useRunImage', runId: run.summary.id, index: 0, ...(generate && { generate }) });
}

/** ↑/↓ in the prompt box recall past prompts, from its first line (↑) or its last (↓), so the keys
 * still move between the lines of a long prompt. */
function recallPrompt(e: KeyboardEvent): void {
  if ((e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  const box = form.promptBox('prompt').wrappedElement;
  const up = e.key === 'ArrowUp';
  const beyond = up ? box.value.slice(0, box.selectionStart) : box.value.slice(box.selectionEnd);
  if (beyond.includes('\n')) return;
  const recalled = up ? history.older(box.value) : history.newer();
  if (recalled === undefined) return;
  e.preventDefault();
  form.setValue('prompt', recalled);
  // The caret at the end, as a shell leaves it, once the box has taken the value (unless typed over since).
  requestAnimationFrame(() => {
    if (box.value === recalled) box.setSelectionRange(recalled.length, recalled.length);
  });
}

/** The token line under a prompt box, asking the host about that box. */
function promptFeedback(field: PromptField): PromptFeedback {
  const ask = (text: string, modelId: string) => vscode.postMessage({ type: 'tokenize', field, text, modelId });
  const line = new PromptFeedback(field, ask);
  form.promptBox(field).after(line.element);
  return line;
}

/** The token lines for the form's prompts; `typed` false: the form was set whole, not typed in. */
function feedbackChanged(f: ParamsForm, typed = true): void {
  feedback.prompt.changed(f.prompt, f.modelId, typed);
  feedback.negativePrompt.changed(f.negativePrompt, f.modelId, typed);
}

/** A button's action: posts the message for the run on view, if any. */
function activeRunAction(message: (runId: string) => FromWorkbench): () => void {
  return () => {
    const { activeRunId } = store;
    if (activeRunId) vscode.postMessage(message(activeRunId));
  };
}

/** A new run's images and steps come into view (stacked, they sit above the form the user was in). */
function bringIntoView(pane: HTMLElement): void {
  const { top } = pane.getBoundingClientRect();
  if (top < 0 || top > innerHeight / 2) pane.scrollIntoView({ block: 'start' });
}

function showNotice(text: string, isError = false): void {
  notice.textContent = text;
  notice.classList.toggle('error', isError);
}

function showFormNote(text: string, isError = false): void {
  formNote.textContent = text;
  formNote.classList.toggle('error', isError);
  formNote.hidden = text === '';
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
