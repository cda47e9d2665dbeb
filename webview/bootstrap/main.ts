// Runs inline (webviewHtml puts this bundle's text in a nonce'd <script>) right after the surface's
// skeleton markup, before any other script of ours. VS Code keeps a webview's frame hidden until the
// page's load event, and a script or stylesheet still loading holds that event back; so the surface's
// bundle is only requested once the page (skeleton and inline styles) has loaded, and the skeleton
// shows while it comes. Reports 'visible' after the first frame drawn from then (src/protocol/panelOpened.ts)
// and leaves performance marks (dl/…) that the e2e panel-open spec reads to break the open time down.
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const own = document.currentScript as HTMLScriptElement;
const bundle = own.dataset.bundle;
// Whether the skeleton came with the page itself, before any script of ours ran.
performance.mark('dl/bootstrap', { detail: { skeleton: document.getElementById('dl-skeleton') !== null } });
// VS Code hands out its API once per page; the bundle asks for it again and gets this one.
const api = acquireVsCodeApi();
let posted = false;
const shared: VsCodeApi = {
  postMessage: (m) => {
    if (!posted) performance.mark('dl/firstPost');
    posted = true;
    api.postMessage(m);
  },
  getState: () => api.getState(),
  setState: (s) => api.setState(s),
};
Object.assign(globalThis, { acquireVsCodeApi: () => shared });

window.addEventListener('message', () => performance.mark('dl/firstMessage'), { once: true });
// VS Code delivers what the host posted while the page was loading as soon as it has loaded, before the
// bundle requested then has run (a panel shown again reloads, and e.g. a restored form follows the reveal):
// those messages are kept and handed to the bundle's listeners once it has run.
const early: unknown[] = [];
const keep = (event: MessageEvent) => early.push(event.data);
window.addEventListener('message', keep);
window.addEventListener('load', onLoad, { once: true });
// The skeleton goes once the surface puts anything of its own on the page.
new MutationObserver((changes, observer) => {
  const added = changes.flatMap((c) => [...c.addedNodes]);
  if (!added.some((n) => n instanceof HTMLElement && n.localName !== 'script')) return;
  document.getElementById('dl-skeleton')?.remove();
  observer.disconnect();
}).observe(document.body, { childList: true });

function onLoad(): void {
  performance.mark('dl/load');
  // The next frame is the first with the page shown; the task after it runs once that frame is drawn.
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.mark('dl/visible');
      api.postMessage({ type: 'panelOpened', phase: 'visible' } satisfies PanelOpenedMessage);
    }),
  );
  if (!bundle) return;
  const script = document.createElement('script');
  script.type = 'module';
  script.nonce = own.nonce;
  script.src = bundle;
  // A module script's load event follows its execution in the same task: no message comes in between.
  script.addEventListener('load', replayEarlyMessages, { once: true });
  document.body.append(script);
}

function replayEarlyMessages(): void {
  window.removeEventListener('message', keep);
  for (const data of early.splice(0)) window.dispatchEvent(new MessageEvent('message', { data }));
}
