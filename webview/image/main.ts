// The image panel: draws each generated image's RGBA pixels on a canvas, with its caption and its
// actions (open in the workbench, re-run, vary seed, copy seed or parameters, reveal, the forward
// process); a click on an image enlarges it.
import { imageActionsExcept } from '../../src/protocol/imageActions';
import type { FromImagePanel, PanelImage, PanelRun, ToImagePanel } from '../../src/protocol/imagePanel';
import { enlarge, imageActionBar } from '../shared/imageActions';
import { reportPanelOpen } from '../shared/panelOpened';
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';
import './image.css';

declare function acquireVsCodeApi(): { postMessage(message: FromImagePanel | PanelOpenedMessage): void };

const vscode = acquireVsCodeApi();
const opened = reportPanelOpen((m) => vscode.postMessage(m));
const root = document.createElement('main');
const notice = paragraph('', 'notice');
notice.setAttribute('role', 'status');
document.body.append(notice, root);
const ACTIONS = imageActionsExcept();

window.addEventListener('message', (event: MessageEvent<ToImagePanel>) => {
  const message = event.data;
  switch (message.type) {
    case 'run':
      showNotice('');
      renderRun(message.run);
      return opened();
    case 'notice':
      showNotice(message.message, message.level === 'error');
      return;
    case 'empty':
      root.replaceChildren(
        paragraph('No image here. Run "Diffusion: Generate", or open an earlier run from the Runs gallery.', 'empty'),
      );
      return opened();
  }
});
vscode.postMessage({ type: 'ready' });

function renderRun(run: PanelRun): void {
  const heading = document.createElement('h1');
  heading.textContent = run.prompt;
  const gallery = document.createElement('div');
  gallery.className = 'gallery';
  gallery.append(...run.images.map((image, index) => renderImage(image, index, run.runId)));
  root.replaceChildren(heading, paragraph(run.summary, 'summary'), gallery);
}

function renderImage(image: PanelImage, index: number, runId: string | undefined): HTMLElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', image.caption);
  const pixels = new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height);
  canvas.getContext('2d')?.putImageData(pixels, 0, 0);
  canvas.title = 'Click to enlarge';
  canvas.addEventListener('click', () => enlarge(canvas, image.caption));
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = image.caption;
  figure.append(canvas, caption);
  // A run kept from before image actions existed has no id: its images have no actions.
  if (runId) figure.append(imageActionBar({ runId, index }, ACTIONS, (m) => vscode.postMessage(m)));
  return figure;
}

function showNotice(text: string, isError = false): void {
  notice.textContent = text;
  notice.classList.toggle('error', isError);
}

function paragraph(text: string, className: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}
