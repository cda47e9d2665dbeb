// Host-side bookkeeping of a panel's open time: the clock starts when the host creates (or is handed)
// the webview; the webview's 'visible' and 'usable' messages (src/protocol/panelOpened.ts) stop it.
// One log line per open; messages after that (a webview reloaded when shown again) are ignored.
import { isPanelOpenedType, parsePanelOpened } from '../protocol/panelOpened';

export interface PanelOpenLog {
  info(message: string): void;
  warn(message: string): void;
}

export class PanelOpenTimer {
  private readonly openedAt: number;
  private visibleMs: number | undefined;
  private done = false;

  constructor(
    private readonly surface: string,
    private readonly log: PanelOpenLog,
    private readonly now: () => number = Date.now,
  ) {
    this.openedAt = now();
  }

  /** Takes a webview message; true when it was the open timing (then the surface's own handler skips it). */
  receive(m: unknown): boolean {
    if (!isPanelOpenedType(m)) return false;
    const message = parsePanelOpened(m);
    if (!message) {
      this.log.warn(`${this.surface}: ignored a malformed panelOpened message`);
      return true;
    }
    if (this.done) return true;
    const elapsed = this.now() - this.openedAt;
    if (message.phase === 'visible') {
      this.visibleMs ??= elapsed;
      return true;
    }
    this.done = true;
    // A webview that skipped 'visible' was visible no later than it was usable.
    this.log.info(`${this.surface} opened: visible ${this.visibleMs ?? elapsed} ms, usable ${elapsed} ms`);
    return true;
  }
}

/** Times a webview through a listener of its own, for surfaces whose handler ignores unknown messages;
 * the listener goes with the webview. */
export function timePanelOpen<D>(
  webview: { onDidReceiveMessage(listener: (m: unknown) => void): D },
  surface: string,
  log: PanelOpenLog,
): D {
  const timer = new PanelOpenTimer(surface, log);
  return webview.onDidReceiveMessage((m) => void timer.receive(m));
}
