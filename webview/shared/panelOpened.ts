// The surface's side of the open timing (src/protocol/panelOpened.ts). 'visible' comes from the page's
// bootstrap (webview/bootstrap/main.ts) once the skeleton is on screen; the bundle reports 'usable',
// once, when the returned function is first called. The marks are for the e2e open-time breakdown.
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';

export function reportPanelOpen(post: (m: PanelOpenedMessage) => void): () => void {
  performance.mark('dl/script');
  let reported = false;
  return () => {
    if (reported) return;
    reported = true;
    performance.mark('dl/usable');
    post({ type: 'panelOpened', phase: 'usable' });
  };
}
