// The sweep grid webview: x values across, y values down, one block per z value; each cell's image
// fills in as the host sends it (nearest-neighbour scaled), its parameters on hover. While the
// document has errors the last grid stays, dimmed, under the findings. Two cells picked show their
// pixel difference and, on request (both run again), where their latent trajectories part.
import 'uplot/dist/uPlot.min.css';
import '../shared/toolbar.css';
import './sweep.css';
import type { TrajectoryComparison } from '../../src/core/tensor/trajectoryDistance';
import type { HostToSweep, RunningCells, SweepToHost, SweepView, ViewFinding } from '../../src/protocol/sweepView';
import { pairNames } from '../../src/protocol/cellPair';
import { DIFF_GAIN, pixelDiff, type Pixels } from './cellDiff';
import { trajectoryChart } from './trajectoryChart';
import { partingStep, trajectoryColumns } from './trajectoryData';
import { reportPanelOpen } from '../shared/panelOpened';
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';

declare function acquireVsCodeApi(): { postMessage(message: SweepToHost | PanelOpenedMessage): void };

const vscode = acquireVsCodeApi();
const opened = reportPanelOpen((m) => vscode.postMessage(m));
const run = button('Run sweep', () => vscode.postMessage({ type: 'run' }));
const cancel = button('Cancel', () => vscode.postMessage({ type: 'cancel' }));
cancel.hidden = true;
const status = document.createElement('span');
status.setAttribute('role', 'status');
const toolbar = document.createElement('div');
toolbar.className = 'toolbar';
toolbar.append(run, cancel, status);
const findingsList = document.createElement('div');
findingsList.className = 'findings';
const diffPanel = document.createElement('div');
diffPanel.className = 'diff';
diffPanel.hidden = true;
const gridRoot = document.createElement('div');
gridRoot.addEventListener('click', (e) => clickCell(e));
const hint = Object.assign(document.createElement('p'), { className: 'hint' });
document.body.append(toolbar, findingsList, hint, diffPanel, gridRoot);

let view: SweepView | undefined;
/** The cells' PNGs by index (the diff decodes the blob: the page's CSP lets no fetch of its object URL)
 * with their object URLs, and the elements showing them. */
const images = new Map<number, { blob: Blob; url: string }>();
let cellElements: HTMLElement[] = [];
showHint();
/** Cells picked for the diff (shift-click), at most two. */
let picked: number[] = [];
/** Where the picked cells' trajectory comparison goes (inside the diff panel). */
const trajectorySlot = document.createElement('div');
trajectorySlot.className = 'trajectory';

window.addEventListener('message', (event: MessageEvent<HostToSweep>) => {
  const m = event.data;
  if (m.type === 'sweep') {
    showSweep(m.view, m.findings);
    opened();
  } else if (m.type === 'cell') showCell(m.index, m.png);
  else if (m.type === 'clear') clearImages();
  else if (m.type === 'trajectory') showTrajectory(m.cells, m.comparison, m.error);
  else {
    status.textContent = m.text;
    run.disabled = m.running;
    cancel.hidden = !m.running;
    markRunning(m.active);
  }
});
vscode.postMessage({ type: 'ready' });

function showSweep(next: SweepView | undefined, findings: ViewFinding[]): void {
  findingsList.replaceChildren(
    ...findings.map((f) =>
      Object.assign(document.createElement('div'), { className: f.severity, textContent: f.message }),
    ),
  );
  gridRoot.classList.toggle('stale', !next);
  run.title = next ? `${next.cellCount} cells` : 'Fix the errors first';
  if (!next) return;
  const changed = JSON.stringify(next) !== JSON.stringify(view);
  view = next;
  if (changed) render(next);
}

function render(v: SweepView): void {
  const [nx, ny, nz] = v.shape;
  const [x, y, z] = (['x', 'y', 'z'] as const).map((n) => v.axes.find((a) => a.name === n));
  cellElements = [];
  const blocks = Array.from({ length: nz }, (_, k) => {
    const block = document.createElement('section');
    block.className = 'block';
    const across = [x && `x: ${x.field}`, y && `y: ${y.field}`].filter(Boolean).join(', ');
    block.append(
      Object.assign(document.createElement('h3'), {
        textContent: [z && `${z.field} = ${z.labels[k]}`, across].filter(Boolean).join(' — '),
      }),
    );
    const grid = document.createElement('div');
    grid.className = 'grid';
    // Columns of 192 px where the pane has room, narrower (down to 64) where it has not: a grid beside the
    // file's text fits its column rather than scrolling sideways.
    grid.style.gridTemplateColumns = `${y ? 'auto ' : ''}repeat(${nx}, minmax(64px, 192px))`;
    if (x) {
      if (y) grid.append(document.createElement('span'));
      grid.append(...x.labels.map((l) => label(l, 'column')));
    }
    for (let j = 0; j < ny; j++) {
      if (y) grid.append(label(y.labels[j], 'row'));
      for (let i = 0; i < nx; i++) {
        const index = i + nx * (j + ny * k);
        const cell = cellElement(index, v.tips[index] ?? `cell ${index}`);
        cellElements[index] = cell;
        grid.append(cell);
      }
    }
    block.append(grid);
    return block;
  });
  gridRoot.replaceChildren(...blocks);
}

/** A cell: its image when one has come, else an empty box; replaced in place when its image comes. */
function cellElement(index: number, tip: string): HTMLElement {
  const url = images.get(index)?.url;
  const element = url
    ? Object.assign(document.createElement('img'), { src: url, alt: tip })
    : document.createElement('div');
  element.className = picked.includes(index) ? 'cell picked' : 'cell';
  element.title = tip;
  element.dataset.index = String(index);
  return element;
}

/** What the grid's cells do: nothing until one has an image. */
function showHint(): void {
  hint.textContent =
    images.size > 0
      ? 'Click a cell to open it in the workbench; shift-click two cells to compare them.'
      : 'Empty cells have not run yet: they fill in as the sweep runs.';
}

function showCell(index: number, png: Uint8Array): void {
  const old = images.get(index);
  if (old) URL.revokeObjectURL(old.url);
  const blob = new Blob([png as BlobPart], { type: 'image/png' });
  images.set(index, { blob, url: URL.createObjectURL(blob) });
  showHint();
  const current = cellElements[index];
  if (current) {
    const next = cellElement(index, current.title);
    current.replaceWith(next);
    cellElements[index] = next;
  }
}

/** Marks the cells running now with the step they are at; a finished cell's image replaces its mark. */
function markRunning(active?: RunningCells): void {
  const now = new Set(active?.cells);
  cellElements.forEach((element, index) => {
    const on = active !== undefined && now.has(index);
    element.classList.toggle('running', on);
    element.ariaBusy = String(on);
    if (!on) return;
    element.dataset.step = `step ${active.step}/${active.steps}`;
    element.style.setProperty('--done', String(active.step / active.steps));
  });
}

function clearImages(): void {
  images.forEach(({ url }) => URL.revokeObjectURL(url));
  images.clear();
  showHint();
  picked = [];
  diffPanel.hidden = true;
  if (view) render(view);
}

function clickCell(event: MouseEvent): void {
  const target = (event.target as HTMLElement).closest<HTMLElement>('.cell');
  const index = Number(target?.dataset.index);
  if (!target || !images.has(index)) return;
  if (!event.shiftKey) return vscode.postMessage({ type: 'open', index });
  picked = picked.includes(index) ? picked.filter((i) => i !== index) : [...picked, index].slice(-2);
  cellElements.forEach((el, i) => el.classList.toggle('picked', picked.includes(i)));
  void showDiff();
}

/** The two picked cells side by side with their amplified difference and its RMS and maximum. */
async function showDiff(): Promise<void> {
  diffPanel.hidden = picked.length < 2;
  if (picked.length < 2) return;
  const [a, b] = await Promise.all(picked.map((i) => pixelsOf(images.get(i)!.blob)));
  const diff = pixelDiff(a, b);
  const cells: [number, number] = [picked[0], picked[1]];
  const [nameA, nameB] = pairNames(view!, cells);
  const caption = document.createElement('p');
  if ('error' in diff) {
    caption.textContent = `${nameA} and ${nameB}: ${diff.error}.`;
    return void diffPanel.replaceChildren(caption);
  }
  caption.textContent =
    `A: ${nameA}; B: ${nameB}. RMS difference ${diff.rms.toFixed(2)}, largest ${diff.max} (of 255); ` +
    `the right image shows |A − B| × ${DIFF_GAIN}.`;
  const compare = button('Compare latents step by step', () => {
    const waiting = Object.assign(document.createElement('p'), { textContent: 'Running both cells again…' });
    trajectorySlot.replaceChildren(waiting);
    vscode.postMessage({ type: 'trajectory', cells });
  });
  compare.title = 'Runs both cells again with their latents captured (as the workbench step viewer does)';
  trajectorySlot.replaceChildren(compare);
  diffPanel.replaceChildren(caption, ...[a, b, diff.image].map(canvasOf), trajectorySlot);
}

/** The comparison the host sent, when it is of the cells still picked. */
function showTrajectory(cells: [number, number], comparison?: TrajectoryComparison, error?: string): void {
  if (cells[0] !== picked[0] || cells[1] !== picked[1]) return;
  const caption = document.createElement('p');
  if (!comparison) {
    caption.textContent = `The latents could not be compared: ${error}`;
    return void trajectorySlot.replaceChildren(caption);
  }
  const parting = partingStep(trajectoryColumns(comparison));
  caption.textContent =
    `L2 distance between A's and B's denoised latents (x̂0) at each step, and both schedules' σ. ` +
    (parting === undefined
      ? 'The latents are the same at every step.'
      : `The distance first reaches half its largest at step ${parting}.`);
  trajectorySlot.replaceChildren(caption, trajectoryChart(comparison, pairNames(view!, cells)));
}

async function pixelsOf(png: Blob): Promise<Pixels> {
  const bitmap = await createImageBitmap(png);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

function canvasOf(pixels: Pixels): HTMLCanvasElement {
  const canvas = Object.assign(document.createElement('canvas'), { width: pixels.width, height: pixels.height });
  canvas.className = 'cell';
  canvas
    .getContext('2d')!
    .putImageData(new ImageData(new Uint8ClampedArray(pixels.data), pixels.width, pixels.height), 0, 0);
  return canvas;
}

function label(text: string, kind: 'row' | 'column'): HTMLElement {
  return Object.assign(document.createElement('span'), { className: `label ${kind}`, textContent: text, title: text });
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = Object.assign(document.createElement('button'), { textContent: text });
  b.addEventListener('click', onClick);
  return b;
}
