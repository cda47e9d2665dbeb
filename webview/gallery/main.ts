// The side-panel view: the live preview of the run in progress and the gallery of stored runs,
// newest first. Activating a run (click, Enter or Space) opens it in the generate panel; its ×
// button or the Delete key asks the host to remove it.
import { classNameOf } from '../../src/protocol/run';
import type { FromGallery, GalleryItem, LiveProgress, RunSummary, ToGallery } from '../../src/protocol/workbench';
import { drawRgba, pngUrl } from '../shared/workbenchPixels';
import './gallery.css';

declare function acquireVsCodeApi(): { postMessage(message: FromGallery): void };

const vscode = acquireVsCodeApi();
const live = document.createElement('section');
live.className = 'live';
live.hidden = true;
const liveCanvas = document.createElement('canvas');
liveCanvas.setAttribute('role', 'img');
liveCanvas.setAttribute('aria-label', 'Live preview of the run in progress');
const liveText = document.createElement('p');
liveText.setAttribute('aria-live', 'polite');
live.append(liveCanvas, liveText);
const grid = document.createElement('ul');
grid.className = 'grid';
grid.setAttribute('aria-label', 'Past runs');
const empty = document.createElement('p');
empty.className = 'empty';
empty.textContent = 'No runs yet. Open the workbench ("Diffusion: Open Generation Workbench") and press Generate.';
document.body.append(live, grid, empty);

window.addEventListener('message', (event: MessageEvent<ToGallery>) => {
  const m = event.data;
  switch (m.type) {
    case 'snapshot':
      for (const img of grid.querySelectorAll('img')) URL.revokeObjectURL(img.src);
      grid.replaceChildren(...m.items.map(tile));
      live.hidden = !m.live;
      if (m.live) showLive(m.live.progress);
      break;
    case 'liveStarted':
      live.hidden = false;
      showLive(undefined);
      return;
    case 'liveStep':
      live.hidden = false;
      showLive(m.progress);
      return;
    case 'liveEnded':
      live.hidden = true;
      return;
    case 'item':
      live.hidden = true;
      grid.prepend(tile(m.item));
      break;
    case 'updated': {
      const existing = grid.querySelector<HTMLElement>(`[data-run-id="${m.run.id}"]`);
      if (existing) existing.title = describe(m.run);
      return;
    }
    case 'removed':
      grid.querySelector(`[data-run-id="${m.runId}"]`)?.remove();
      break;
  }
  empty.hidden = grid.children.length > 0;
});
vscode.postMessage({ type: 'ready' });

/** The live run's line: starting until its first step, then the step it is at. */
function showLive(progress: LiveProgress | undefined): void {
  liveText.textContent = progress ? `Step ${progress.step + 1} of ${progress.totalSteps}` : 'Starting…';
  if (progress?.preview) drawRgba(liveCanvas, progress.preview);
}

function tile(item: GalleryItem): HTMLElement {
  const li = document.createElement('li');
  li.dataset.runId = item.run.id;
  li.tabIndex = 0;
  li.setAttribute('role', 'button');
  li.title = describe(item.run);
  li.setAttribute('aria-keyshortcuts', 'Delete');
  li.setAttribute('aria-label', `Open run: ${item.run.spec.prompt || 'no prompt'}, seed ${item.run.spec.seed}`);
  if (item.thumbnail) {
    const img = document.createElement('img');
    img.src = pngUrl(item.thumbnail);
    img.alt = '';
    li.append(img);
  }
  const caption = document.createElement('span');
  caption.textContent = item.run.spec.prompt || '(no prompt)';
  li.append(caption);
  const remove = document.createElement('button');
  remove.className = 'remove';
  remove.textContent = '×';
  remove.tabIndex = -1;
  remove.title = 'Remove from the gallery (Delete)';
  li.append(remove);
  const open = () => vscode.postMessage({ type: 'openRun', runId: item.run.id });
  const removeRun = () => vscode.postMessage({ type: 'removeRun', runId: item.run.id });
  li.addEventListener('click', (e) => (e.target === remove ? removeRun() : open()));
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open();
    } else if (e.key === 'Delete') {
      e.preventDefault();
      removeRun();
    }
  });
  return li;
}

function describe(run: RunSummary): string {
  const p = run.spec;
  const saved = run.images.map((i) => i.savedAs).filter(Boolean);
  const sampler = run.schedulerClass ?? classNameOf(p.scheduler) ?? "model's scheduler";
  const cfg = p.guidanceScale === undefined ? '' : ` · CFG ${p.guidanceScale}`;
  return `${p.prompt}\n${new Date(run.createdAt).toLocaleString()} · ${run.modelLabel} · ${sampler} · ${p.steps} steps${cfg} · seed ${p.seed}${saved.length ? `\nsaved as ${saved.join(', ')}` : ''}`;
}
