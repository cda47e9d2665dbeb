// Loads a built webview bundle (dist/webview/<surface>.js) into headless Chromium with a stand-in
// for VS Code's webview API: messages the page posts are recorded, messages from the "host" are
// delivered as the real webview delivers them (window 'message' events).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// A few of VS Code's theme variables, so surfaces render as in a dark theme.
const THEME = `body { --vscode-foreground:#ccc; --vscode-editor-foreground:#ccc; --vscode-editor-background:#1e1e1e;
  --vscode-font-family:sans-serif; --vscode-font-size:13px; --vscode-button-background:#0e639c; --vscode-button-foreground:#fff;
  --vscode-input-background:#3c3c3c; --vscode-input-foreground:#ccc; --vscode-editorWidget-border:#454545; }`;

/** Opens a page running the surface's bundle. `state` is what getState() returns at start. */
/** The extension's Content-Security-Policy (src/extension/panelPage.ts) with 'unsafe-inline' in place of
 * its nonces (the bundle is injected inline here): no fetch, no remote images, as in VS Code. */
const CSP =
  "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline' 'wasm-unsafe-eval'";

/** `csp`: load the page under the extension's policy. */
export async function openSurface(browser, surface, { width = 1200, height = 900, state, csp = false } = {}) {
  const bundle = join('dist', 'webview', `${surface}.js`);
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const policy = csp ? `<meta http-equiv="Content-Security-Policy" content="${CSP}">` : '';
  await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8">${policy}</head><body></body></html>`);
  await page.addStyleTag({ content: THEME });
  const css = join('dist', 'webview', `${surface}.css`);
  if (existsSync(css)) await page.addStyleTag({ content: readFileSync(css, 'utf8') });
  await page.evaluate((initial) => {
    window.__posted = [];
    // When each message was posted, from just before the bundle loads (the open-time bench reads these).
    window.__postedAt = [];
    window.__state = initial;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => {
        window.__posted.push(m);
        window.__postedAt.push(performance.now() - window.__scriptStart);
      },
      getState: () => window.__state,
      setState: (s) => (window.__state = s),
    });
    window.__scriptStart = performance.now();
  }, state);
  // A module script runs after addScriptTag returns; the marker at its end says the bundle's top level ran.
  await page.addScriptTag({ content: `${readFileSync(bundle, 'utf8')}\nwindow.__bundleRan = true;`, type: 'module' });
  await page.waitForFunction(() => window.__bundleRan === true, null, { timeout: 10_000 });
  return { page, errors };
}

/** Delivers a host→webview message. */
export function post(page, message) {
  return page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Waits (up to 5 s) for the page to post a message of this type: handlers may run in a later task. */
export async function expectPosted(page, type, message) {
  const seen = await page
    .waitForFunction((t) => window.__posted.some((m) => m.type === t), type, { timeout: 5_000 })
    .then(
      () => true,
      () => false,
    );
  assert(seen, message);
}

/** Messages the page has posted to the host so far. */
export function posted(page) {
  return page.evaluate(() => window.__posted);
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}
