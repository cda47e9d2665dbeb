// How long a webview panel takes to open (#15: something visible within 200 ms, usable within 1 s).
// Every page posts this once its skeleton is on screen ('visible', from the inline bootstrap) and once
// it first takes input ('usable': its first state from the host is drawn).

export type PanelOpenPhase = 'visible' | 'usable';

/** Webview → host, on every surface beside its own messages. */
export interface PanelOpenedMessage {
  type: 'panelOpened';
  phase: PanelOpenPhase;
}

/** Host-side check of a webview message; undefined when it is not a well-formed PanelOpenedMessage. */
export function parsePanelOpened(m: unknown): PanelOpenedMessage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const { type, phase } = m as Record<string, unknown>;
  if (type !== 'panelOpened' || (phase !== 'visible' && phase !== 'usable')) return undefined;
  return { type, phase };
}

/** Whether a message is (or claims to be) the open timing, so a surface's own parser need not see it. */
export function isPanelOpenedType(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as Record<string, unknown>).type === 'panelOpened';
}
