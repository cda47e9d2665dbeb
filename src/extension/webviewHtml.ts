// The one place webview HTML is built (src/extension/panelPage.ts lays the page out), so every surface
// gets the same Content-Security-Policy, skeleton and bootstrap.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { panelPage } from './panelPage';

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
  const bundleDir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const script = vscode.Uri.joinPath(bundleDir, `${page.surface}.js`);
  return panelPage({
    ...page,
    nonce: randomBytes(16).toString('base64'),
    cspSource: webview.cspSource,
    bootstrap: builtText(vscode.Uri.joinPath(bundleDir, 'bootstrap.js').fsPath, true),
    bundleUrl: webview.asWebviewUri(script).toString(),
    // esbuild writes <surface>.css next to the bundle only when main.ts imports CSS.
    css: builtText(vscode.Uri.joinPath(bundleDir, `${page.surface}.css`).fsPath, false),
  });
}

const built = new Map<string, string>();

/** A built file's text ('' when an optional one is missing), read once: dist/ does not change under a
 * running extension. */
function builtText(path: string, required: boolean): string {
  let text = built.get(path);
  if (text === undefined) {
    text = required || existsSync(path) ? readFileSync(path, 'utf8') : '';
    built.set(path, text);
  }
  return text;
}
