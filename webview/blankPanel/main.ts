// The blank panel (src/extension/blankPanel.ts): the platform's floor for the panel open figures. It
// opens as every surface does (page, skeleton, bootstrap, a bundle, one host round trip) with nothing
// of its own to do: "usable" once the host's one line is on the page.
import { reportPanelOpen } from '../shared/panelOpened';
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';

declare function acquireVsCodeApi(): { postMessage(message: PanelOpenedMessage | { type: 'ready' }): void };

const vscode = acquireVsCodeApi();
const opened = reportPanelOpen((m) => vscode.postMessage(m));
window.addEventListener('message', (event: MessageEvent<{ text: string }>) => {
  const line = document.createElement('p');
  line.textContent = event.data.text;
  document.body.append(line);
  opened();
});
vscode.postMessage({ type: 'ready' });
