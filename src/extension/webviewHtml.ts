// The one place webview HTML is built, so every surface gets the same Content-Security-Policy:
// nothing loads unless it comes from the extension's own files, and only the nonce'd bundle runs.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';

export interface WebviewPage {
  /** Folder name under webview/ whose main.ts esbuild bundled to dist/webview/<surface>.js. */
  surface: string;
  title: string;
}

/** Options for createWebviewPanel / resolveWebviewView: scripts on, files only from dist/webview (no
 * surface loads anything else, so no other folder of the extension is readable from a webview). */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const bundleDir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const script = vscode.Uri.joinPath(bundleDir, `${page.surface}.js`);
  // esbuild writes <surface>.css next to the bundle only when main.ts imports CSS.
  const bundleCss = vscode.Uri.joinPath(bundleDir, `${page.surface}.css`);
  const styles = existsSync(bundleCss.fsPath) ? [bundleCss] : [];
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = styles.map(
    (uri) => `<link rel="stylesheet" nonce="${nonce}" href="${webview.asWebviewUri(uri).toString()}">`,
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
${links.join('\n')}
<style nonce="${nonce}">
  /* Shown from the first paint until the surface has put anything of its own on the page. */
  .dl-loading { font: 13px var(--vscode-font-family); color: var(--vscode-descriptionForeground); margin: 16px; }
  .dl-loading:has(~ :not(script)) { display: none; }
</style>
</head>
<body>
<p class="dl-loading" role="status">Loading ${escapeHtml(page.title)}…</p>
<script type="module" nonce="${nonce}" src="${webview.asWebviewUri(script).toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
