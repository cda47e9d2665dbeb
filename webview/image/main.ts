// The image panel: draws each generated image's RGBA pixels on a canvas, with its caption.
import type { FromImagePanel, PanelImage, PanelRun, ToImagePanel } from '../../src/protocol/imagePanel';
import './image.css';

declare function acquireVsCodeApi(): { postMessage(message: FromImagePanel): void };

const vscode = acquireVsCodeApi();
const root = document.createElement('main');
document.body.append(root);

window.addEventListener('message', (event: MessageEvent<ToImagePanel>) => {
  const message = event.data;
  switch (message.type) {
    case 'run':
      renderRun(message.run);
      return;
    case 'empty':
      root.replaceChildren(paragraph('No image here. Run "Diffusion: Generate", or open an earlier run from the Runs gallery.', 'empty'));
      return;
  }
});
vscode.postMessage({ type: 'ready' });

function renderRun(run: PanelRun): void {
  const heading = document.createElement('h1');
  heading.textContent = run.prompt;
  const gallery = document.createElement('div');
  gallery.className = 'gallery';
  gallery.append(...run.images.map(renderImage));
  root.replaceChildren(heading, paragraph(run.summary, 'summary'), gallery);
}

function renderImage(image: PanelImage): HTMLElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', image.caption);
  const pixels = new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height);
  canvas.getContext('2d')?.putImageData(pixels, 0, 0);
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = image.caption;
  figure.append(canvas, caption);
  return figure;
}

function paragraph(text: string, className: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}
