// The page of every webview as text (no vscode API, so the open-time bench builds the same page):
// a strict Content-Security-Policy (nothing loads unless it comes from the extension's own files, and
// only nonce'd scripts run), the surface's CSS inline, its skeleton, and the inline bootstrap that
// loads the surface's bundle once the page has loaded (webview/bootstrap/main.ts says why).
import { SKELETON_CSS, skeletonHtml } from './panelSkeletons';

export interface PanelPageParts {
  /** Folder name under webview/ of the surface (picks its skeleton). */
  surface: string;
  title: string;
  nonce: string;
  /** The webview's cspSource: where its files may be fetched from. */
  cspSource: string;
  /** The bootstrap bundle's source text. */
  bootstrap: string;
  /** The URL the surface's bundle is fetched from; none: the page has no bundle. */
  bundleUrl?: string;
  /** The surface bundle's CSS ('' when it has none), inlined so no stylesheet holds back the first paint. */
  css: string;
}

export function panelPage(p: PanelPageParts): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data: blob:`,
    `font-src ${p.cspSource}`,
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    // WebAssembly may compile (the core's seeded noise, src/core/rng/torchNormals.ts); no JavaScript eval.
    `script-src 'nonce-${p.nonce}' 'wasm-unsafe-eval'`,
  ].join('; ');
  const title = escapeHtml(p.title);
  const bundle = p.bundleUrl === undefined ? '' : ` data-bundle="${escapeHtml(p.bundleUrl)}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
<style nonce="${p.nonce}">${SKELETON_CSS}</style>
<style nonce="${p.nonce}">${escapeStyle(p.css)}</style>
</head>
<body>
${skeletonHtml(p.surface, title)}
<script nonce="${p.nonce}"${bundle}>(() => {
${inlineScript(p.bootstrap)}
})();</script>
</body>
</html>`;
}

/** A bundle's text fit for an inline script: no source map comment (nothing may fetch the map), and no
 * "</script" that would end the element early. */
function inlineScript(source: string): string {
  return source.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n').replace(/<\/(script)/gi, '<\\/$1');
}

/** CSS fit for an inline style element: no "</style" that would end it early, no source map comment. */
function escapeStyle(css: string): string {
  return css.replace(/\/\*# sourceMappingURL=\S* \*\/\s*$/, '').replace(/<\/(style)/gi, '<\\/$1');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
