// The side-panel view: the live preview of the run in progress and the gallery of stored runs,
// newest first, one entry per image with the full prompt on hover. Activating an entry (click,
// Enter or Space) opens its run in the generate panel; its actions (re-run, vary seed, copy,
// reveal, forward process) show on hover and focus; its × button or the Delete key asks the host
// to remove the run.
import { imageActionsExcept } from '../../src/protocol/imageActions';
import { runGuidanceLabel, runSamplerLabel } from '../../src/protocol/runLabels';
import type { FromGallery, GalleryItem, LiveProgress, RunSummary, ToGallery } from '../../src/protocol/workbench';
import { imageActionBar } from '../shared/imageActions';
import { drawRgba, pngUrl } from '../shared/workbenchPixels';
import { reportPanelOpen } from '../shared/panelOpened';
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';
import './gallery.css';

declare function acquireVsCodeApi(): { postMessage(message: FromGallery | PanelOpenedMessage): void };

const vscode = acquireVsCodeApi();
const opened = reportPanelOpen((m) => vscode.postMessage(m));
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
/** Opening is the entry's own click. */
const ACTIONS = imageActionsExcept('open');

window.addEventListener('message', (event: MessageEvent<ToGallery>) => {
  const m = event.data;
  switch (m.type) {
    case 'snapshot':
      for (const img of grid.querySelectorAll('img')) URL.revokeObjectURL(img.src);
      grid.replaceChildren(...m.items.flatMap(tiles));
      live.hidden = !m.live;
      if (m.live) showLive(m.live.progress);
      opened();
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
      grid.prepend(...tiles(m.item));
      break;
    case 'updated': {
      // Saving changes what Reveal can do: the run's entries are drawn again in place.
      const existing = [...grid.querySelectorAll<HTMLElement>(`[data-run-id="${m.run.id}"]`)];
      const thumbnails = existing.map((li) => li.querySelector('img')?.src);
      existing.forEach((li, i) => li.replaceWith(entry(m.run, i, thumbnails[i])));
      return;
    }
    case 'removed':
      for (const li of grid.querySelectorAll(`[data-run-id="${m.runId}"]`)) li.remove();
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

/** The entries of a run, one per image. */
function tiles(item: GalleryItem): HTMLElement[] {
  return item.run.images.map((_, i) => {
    const png = item.thumbnails[i];
    return entry(item.run, i, png && pngUrl(png));
  });
}

function entry(run: RunSummary, index: number, thumbnailUrl: string | undefined): HTMLElement {
  const li = document.createElement('li');
  li.dataset.runId = run.id;
  li.dataset.index = String(index);
  li.tabIndex = 0;
  li.setAttribute('role', 'button');
  li.title = describe(run, index);
  li.setAttribute('aria-keyshortcuts', 'Delete');
  const seed = run.images[index]?.seed ?? run.spec.seed;
  li.setAttribute('aria-label', `Open run: ${run.spec.prompt || 'no prompt'}, seed ${seed}`);
  if (thumbnailUrl) {
    const img = document.createElement('img');
    img.src = thumbnailUrl;
    img.alt = '';
    li.append(img);
  }
  const caption = document.createElement('span');
  caption.textContent = run.spec.prompt || '(no prompt)';
  li.append(caption);
  const remove = document.createElement('button');
  remove.className = 'remove';
  remove.textContent = '×';
  remove.tabIndex = -1;
  remove.title = 'Remove the run from the gallery (Delete)';
  const notSaved = 'Not saved: Save it in the workbench first';
  const unavailable = run.images[index]?.savedAs ? {} : { reveal: notSaved, forward: notSaved };
  li.append(
    remove,
    imageActionBar({ runId: run.id, index }, ACTIONS, (m) => vscode.postMessage(m), unavailable),
  );
  const open = () => vscode.postMessage({ type: 'openRun', runId: run.id });
  const removeRun = () => vscode.postMessage({ type: 'removeRun', runId: run.id });
  li.addEventListener('click', (e) => (e.target === remove ? removeRun() : open()));
  li.addEventListener('keydown', (e) => {
    if (e.target !== li) return;
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

/** The entry's tooltip: the full prompt, then what made the image. */
function describe(run: RunSummary, index: number): string {
  const p = run.spec;
  const saved = run.images[index]?.savedAs;
  const seed = run.images[index]?.seed ?? p.seed;
  const made = [run.modelLabel, runSamplerLabel(run), `${p.steps} steps`, runGuidanceLabel(run), `seed ${seed}`];
  const when = new Date(run.createdAt).toLocaleString();
  return `${p.prompt}\n${[when, ...made].filter(Boolean).join(' · ')}${saved ? `\nsaved as ${saved}` : ''}`;
}
