// Messages between the image panel (webview/image) and its host (src/extension/imagePanel.ts).

export interface PanelImage {
  width: number;
  height: number;
  /** width·height·4 bytes, RGBA; an exact-size copy so postMessage sends only these bytes. */
  rgba: Uint8Array;
  /** One line describing the image (seed, size), also its accessible label. */
  caption: string;
}

export interface PanelRun {
  prompt: string;
  /** One line with the run's parameters and timing. */
  summary: string;
  images: PanelImage[];
}

/** Host → webview. */
export type ToImagePanel = { type: 'run'; run: PanelRun } | { type: 'empty' };

/** Webview → host: the webview asks for the current state when it (re)starts. */
export type FromImagePanel = { type: 'ready' };
