// The forward-process view: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε of one image under several schedules side
// by side, at the t of one slider. The noise is drawn once per seed; a new t only reweighs it, into
// one reused pixel buffer per canvas (putImageData), so a redraw allocates nothing. In latent space
// the host's engine noises the model's VAE latent of the image instead and sends each x_t decoded,
// with the latent itself as a small preview.
// The shared toolbar and the inspector's stylesheet (form controls, status line) theme it; forward.css adds the rest.
import '../shared/toolbar.css';
import '../schedule/schedule.css';
import './forward.css';
import { ForwardProcessView } from '../../src/core/forward/forwardView';
import { noiseLevelAt, type NoiseLevel } from '../../src/core/forward/noiseLevel';
import { schedulerClassNames } from '../../src/core/samplers/registry';
import type { PreviewImage } from '../../src/protocol/engine';
import type { ForwardImage, ForwardSchedules, ForwardToHost, HostToForward } from '../../src/protocol/forward';
import type { ScheduleEntry } from '../../src/protocol/schedule';
import { formatNumber, seriesColor } from '../shared/plotTheme';
import { rgbaToTensor, tensorToRgba } from './pixels';
import { DEFAULT_SCHEDULES, forwardColumns, type ForwardColumn } from './scheduleSet';
import { LatentRequests } from './latentRequests';
import { exportStrip } from './stripExport';
import { ForwardToolbar, type ChangeKind } from './toolbar';
import { restoreForwardState, type ForwardState } from './viewState';
import { reportPanelOpen } from '../shared/panelOpened';
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';

declare function acquireVsCodeApi(): {
  postMessage(message: ForwardToHost | PanelOpenedMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
};

interface Panel {
  column: ForwardColumn;
  element: HTMLElement;
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  pixels: ImageData;
  readout: Readout;
  /** The latent itself (latent space only). */
  latent: HTMLCanvasElement;
}

/** A caption's quantities ("t = 800", "ᾱ 0.0015", "σ 25.74", "SNR 0.0015") as a two-column grid, so
 * none is broken across lines in a narrow picture. The " · " between them stays in the text (copied,
 * read by tests) but is not drawn. */
class Readout {
  readonly element = document.createElement('div');
  private readonly parts: HTMLElement[] = [];

  constructor(className: string) {
    this.element.className = className;
  }

  set(quantities: string[]): void {
    while (this.parts.length < quantities.length) {
      const part = document.createElement('span');
      part.className = 'quantity';
      if (this.parts.length)
        this.element.append(Object.assign(document.createElement('span'), { className: 'sep', textContent: ' · ' }));
      this.element.append(part);
      this.parts.push(part);
    }
    quantities.forEach((q, i) => {
      if (this.parts[i].textContent !== q) this.parts[i].textContent = q;
    });
  }
}

const vscode = acquireVsCodeApi();
const opened = reportPanelOpen((m) => vscode.postMessage(m));
let state = restoreForwardState(vscode.getState());
let image: ForwardImage | undefined;
let view: ForwardProcessView | undefined;
let xt = new Float32Array(0);
let entries: readonly ScheduleEntry[] = DEFAULT_SCHEDULES;
let sourceLabel = 'default schedules';
let sourceProblem = '';
let panels: Panel[] = [];
let frame = 0;
const latents = new LatentRequests(
  (m) => vscode.postMessage(m),
  (answer) => (answer.type === 'latentFrames' ? showLatentFrames(answer) : setStatus('error', answer.message)),
);

const toolbar = new ForwardToolbar(state, schedulerClassNames, {
  change(next: ForwardState, what: ChangeKind) {
    state = next;
    vscode.setState(state);
    if (what === 'seed') resetNoise();
    if (what === 'run' || what === 'space') rebuild();
    else requestRedraw();
  },
  export: () => void saveStrip(),
});
const status = document.createElement('div');
status.className = 'status';
status.setAttribute('role', 'status');
const grid = document.createElement('div');
grid.className = 'columns';
document.body.append(toolbar.element, status, grid);
setStatus('info', 'Waiting for the image…');

window.addEventListener('message', (event: MessageEvent<HostToForward>) => {
  const message = event.data;
  switch (message.type) {
    case 'image':
      image = message.image;
      resetNoise();
      rebuild();
      return opened();
    case 'schedules':
      return showSchedules(message.source);
    case 'notice':
      return setStatus(message.level, message.message);
    case 'latentFrames':
    case 'latentFailed':
      return latents.answered(message);
  }
});
vscode.postMessage({ type: 'ready' });

function showSchedules(source: ForwardSchedules): void {
  // A document that cannot be read keeps the last good schedules on screen, with its error above.
  const keep = source.schedules.length === 0 && source.error !== undefined;
  if (!keep) entries = source.schedules.length ? source.schedules : DEFAULT_SCHEDULES;
  sourceLabel = source.label ?? 'default schedules';
  const kept = keep ? ' (showing the last good schedules)' : '';
  sourceProblem = source.error ? `${sourceLabel}: ${source.error}${kept}` : '';
  rebuild();
}

/** A new image or seed: ε is drawn again (the one allocation-heavy step, not done per t). */
function resetNoise(): void {
  if (!image) return;
  view = new ForwardProcessView(rgbaToTensor(image.rgba, image.width, image.height), state.seed);
  xt = new Float32Array(view.noise.length);
  requestRedraw();
}

/** New schedules or step choice: one panel per schedule, pixel buffers made once here. */
function rebuild(): void {
  if (!image) return;
  const columns = forwardColumns(entries, state);
  const { width, height } = image;
  panels = columns.map((column, i) => makePanel(column, i, width, height));
  grid.replaceChildren(...panels.map((p) => p.element));
  const longest = Math.max(1, ...columns.map((c) => c.alphasCumprod.length));
  toolbar.setRange(
    longest - 1,
    columns.map((c, i) => ({ t: c.first?.t, color: seriesColor(i), label: c.name })),
  );
  const from = image.original ? ` (downsized from ${image.original.width}×${image.original.height})` : '';
  const size = `${width}×${height}${from}`;
  const columnProblems = columns.filter((c) => c.error).map((c) => `${c.name}: ${c.error}`);
  const problems = [sourceProblem, ...columnProblems].filter(Boolean);
  setStatus(problems.length ? 'warning' : 'ok', problems.join(' · '));
  toolbar.describe(`${image.label} · ${size} · ${sourceLabel}`);
  requestRedraw();
}

function makePanel(column: ForwardColumn, index: number, width: number, height: number): Panel {
  const element = document.createElement('figure');
  element.className = 'column';
  element.style.setProperty('--column-color', seriesColor(index));
  const canvas = document.createElement('canvas');
  Object.assign(canvas, { width, height });
  canvas.dataset.column = column.name;
  const caption = document.createElement('figcaption');
  const name = document.createElement('strong');
  name.textContent = column.name;
  const readout = new Readout('readout');
  const latent = document.createElement('canvas');
  latent.className = 'latent-preview';
  latent.title = 'The noised latent itself (linear latent→RGB preview)';
  latent.hidden = state.space !== 'latent';
  caption.append(name, readout.element, latent);
  if (column.first) caption.append(firstStepLine(column));
  if (column.error) {
    caption.append(Object.assign(document.createElement('div'), { className: 'error', textContent: column.error }));
  }
  element.append(canvas, caption);
  const ctx = canvas.getContext('2d')!;
  return { column, element, canvas, ctx, pixels: ctx.createImageData(width, height), readout, latent };
}

function firstStepLine(column: ForwardColumn): HTMLElement {
  const first = column.first!;
  const line = document.createElement('div');
  line.className = 'first-step';
  const readout = new Readout('readout-first');
  const go = document.createElement('button');
  go.type = 'button';
  go.textContent = 'First step';
  go.title = `Move the slider to the first sampling step of ${column.name}`;
  go.addEventListener('click', () => toolbar.setT(Math.round(first.t)));
  readout.set([`t = ${formatNumber(first.t)}`, ...describeLevel(first.level)]);
  line.append(go, readout.element);
  return line;
}

function requestRedraw(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    redraw();
  });
}

/** x_t for the slider's t in every panel; timed for the bench and tests. In latent space the
 * pictures are asked of the host, and drawn when they come. */
function redraw(): void {
  if (!view) return;
  const started = performance.now();
  const levels: NoiseLevel[] = [];
  for (const p of drawable()) {
    const t = Math.min(state.t, p.column.alphasCumprod.length - 1);
    const level = noiseLevelAt(p.column.alphasCumprod, t);
    p.readout.set([`t = ${t}`, ...describeLevel(level)]);
    levels.push(level);
    if (state.space === 'latent') continue;
    view.render(level, xt);
    tensorToRgba(xt, p.pixels.data);
    p.ctx.putImageData(p.pixels, 0, 0);
  }
  if (state.space === 'latent' && levels.length > 0) {
    latents.want(
      state.seed,
      levels.map((l) => ({ signal: l.signal, noise: l.noise })),
    );
    if (!status.textContent) setStatus('info', "Encoding the image with the model's VAE…");
  }
  document.body.dataset.redrawMs = (performance.now() - started).toFixed(2);
  document.body.dataset.renderedT = `${state.t}:${state.seed}`;
}

/** The panels with a schedule to draw (a column whose document has an error has none). */
function drawable(): Panel[] {
  return panels.filter((p) => p.column.alphasCumprod.length > 0);
}

/** The host's decoded x_t, one per drawable panel, and each latent as its small preview. */
function showLatentFrames(m: { model: string; images: PreviewImage[]; previews: PreviewImage[] }): void {
  if (state.space !== 'latent') return;
  drawable().forEach((p, i) => {
    if (m.images[i]) draw(p.canvas, m.images[i]);
    if (m.previews[i]) draw(p.latent, m.previews[i]);
  });
  const [first] = m.images;
  const size = first ? ` (${first.width}×${first.height}, latent ${m.previews[0].width}×${m.previews[0].height})` : '';
  setStatus('info', `Latent space of ${m.model}${size}: each x_t decoded by its VAE; small: the latent itself.`);
  document.body.dataset.latentFrames = String(Number(document.body.dataset.latentFrames ?? 0) + 1);
}

function draw(canvas: HTMLCanvasElement, image: PreviewImage): void {
  if (canvas.width !== image.width || canvas.height !== image.height)
    Object.assign(canvas, { width: image.width, height: image.height });
  const data = new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height);
  canvas.getContext('2d')!.putImageData(data, 0, 0);
}

function describeLevel(level: NoiseLevel): string[] {
  return [`ᾱ ${formatNumber(level.alphaCumprod)}`, `σ ${formatNumber(level.sigma)}`, `SNR ${formatNumber(level.snr)}`];
}

async function saveStrip(): Promise<void> {
  const drawn = drawable();
  if (!image || drawn.length === 0) return setStatus('warning', 'Nothing to export yet.');
  try {
    const space = state.space === 'latent' ? ' · latent' : '';
    const captions = drawn.map(
      (p) => `${p.column.name} · t = ${Math.min(state.t, p.column.alphasCumprod.length - 1)}${space}`,
    );
    const bytes = await exportStrip(
      drawn.map((p) => p.canvas),
      captions,
    );
    const stem = image.label.replace(/\.[^.]*$/, '');
    vscode.postMessage({ type: 'export', fileName: `${stem}-forward-t${state.t}-seed${state.seed}.png`, bytes });
  } catch (error) {
    setStatus('error', `Export failed: ${(error as Error).message}`);
  }
}

function setStatus(kind: 'ok' | 'info' | 'warning' | 'error', text: string): void {
  status.className = `status ${kind}`;
  status.textContent = text;
  status.hidden = text === '';
}
