// Messages between the image panel (webview/image) and its host (src/extension/imagePanel.ts).
import { parseImageAction, type ImageActionMessage } from './imageActions';

export interface PanelImage {
  width: number;
  height: number;
  /** width·height·4 bytes, RGBA; an exact-size copy so postMessage sends only these bytes. */
  rgba: Uint8Array;
  /** One line describing the image (seed, size), also its accessible label. */
  caption: string;
}

export interface PanelRun {
  /** The stored run the images belong to, for their actions; absent when it was not stored. */
  runId?: string;
  prompt: string;
  /** One line with the run's parameters and timing. */
  summary: string;
  images: PanelImage[];
}

/** Host → webview. */
export type ToImagePanel =
  | { type: 'run'; run: PanelRun }
  | { type: 'empty' }
  /** What an image action did (a copied seed), or why it could not. */
  | { type: 'notice'; level: 'info' | 'error'; message: string };

/** Webview → host: the webview asks for the current state when it (re)starts; an image's action. */
export type FromImagePanel = { type: 'ready' } | ImageActionMessage;

/** Host-side check of an image panel message; undefined when it is not one. */
export function parseFromImagePanel(m: unknown): FromImagePanel | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const msg = m as Record<string, unknown>;
  return msg.type === 'ready' ? { type: 'ready' } : parseImageAction(msg);
}
