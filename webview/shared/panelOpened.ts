// The surface's side of the open timing (src/protocol/panelOpened.ts): 'visible' now, at the first
// script run, and 'usable' once, when the returned function is first called.
import type { PanelOpenedMessage } from '../../src/protocol/panelOpened';

export function reportPanelOpen(post: (m: PanelOpenedMessage) => void): () => void {
  post({ type: 'panelOpened', phase: 'visible' });
  let reported = false;
  return () => {
    if (reported) return;
    reported = true;
    post({ type: 'panelOpened', phase: 'usable' });
  };
}
