// One image's action buttons (src/protocol/imageActions.ts) and the enlarged view an image opens
// on click, shared by the workbench, the gallery and the image panel.
import {
  IMAGE_ACTIONS,
  type ImageActionKind,
  type ImageActionMessage,
  type ImageRef,
} from '../../src/protocol/imageActions';
import './imageActions.css';

/** Buttons for `kinds` of one image; a kind in `unavailable` is disabled with that reason as its tooltip. */
export function imageActionBar(
  ref: ImageRef,
  kinds: readonly ImageActionKind[],
  post: (message: ImageActionMessage) => void,
  unavailable: Partial<Record<ImageActionKind, string>> = {},
): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'image-actions';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', `Actions for image ${ref.index + 1}`);
  for (const action of IMAGE_ACTIONS.filter((a) => kinds.includes(a.kind))) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'image-action';
    b.dataset.action = action.kind;
    b.textContent = action.label;
    const reason = unavailable[action.kind];
    b.disabled = reason !== undefined;
    b.title = reason ?? action.title;
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      post({ type: 'imageAction', action: action.kind, ...ref });
    });
    bar.append(b);
  }
  return bar;
}

/** Shows an image (an <img> or a <canvas>) as large as the window allows, nearest-neighbour scaled;
 * a click or Escape closes it. */
export function enlarge(source: HTMLImageElement | HTMLCanvasElement, label: string): void {
  const dialog = document.createElement('dialog');
  dialog.className = 'lightbox';
  dialog.setAttribute('aria-label', label);
  const copy =
    source instanceof HTMLImageElement
      ? Object.assign(document.createElement('img'), { src: source.src, alt: label })
      : copyCanvas(source);
  dialog.append(copy);
  dialog.addEventListener('click', () => dialog.close());
  // Escape closes the view only, not (say) the run in progress.
  dialog.addEventListener('keydown', (e) => e.key === 'Escape' && e.stopPropagation());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function copyCanvas(source: HTMLCanvasElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  canvas.getContext('2d')?.drawImage(source, 0, 0);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', source.getAttribute('aria-label') ?? '');
  return canvas;
}
