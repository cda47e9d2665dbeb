// The webview page as text: the skeleton comes before any script, the only script is the nonce'd
// bootstrap (the bundle is named, not loaded, by the page), the CSP allows nothing inline un-nonce'd,
// and inlined text cannot end its element early.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panelPage, type PanelPageParts } from '../../../src/extension/panelPage';

const parts: PanelPageParts = {
  surface: 'workbench',
  title: 'Diffusion <Workbench>',
  nonce: 'abc123',
  cspSource: 'https://file.example',
  bootstrap: 'console.log("</script>");\n//# sourceMappingURL=bootstrap.js.map',
  bundleUrl: 'https://file.example/workbench.js?a=1&b=2',
  css: 'p::after { content: "</style>"; }\n/*# sourceMappingURL=workbench.css.map */',
};

const scripts = (html: string) => [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);

test('the skeleton is in the page before its one script, which carries the nonce and names the bundle', () => {
  const html = panelPage(parts);
  const skeleton = html.indexOf('id="dl-skeleton"');
  assert.ok(skeleton > 0 && skeleton < html.indexOf('<script'), 'skeleton before the first script');
  assert.deepEqual(scripts(html), [
    '<script nonce="abc123" data-bundle="https://file.example/workbench.js?a=1&#38;b=2">',
  ]);
  assert.match(html, /class="dl-columns"/, "the workbench's outline");
  assert.match(html, /Loading Diffusion &#60;Workbench&#62;…/);
});

test('the CSP runs nonce’d scripts only (and compiles WebAssembly) and fetches from the webview’s own files', () => {
  const csp = /content="([^"]*)"/.exec(panelPage(parts))![1];
  assert.match(csp, /script-src 'nonce-abc123' 'wasm-unsafe-eval'(;|$)/);
  assert.match(csp, /style-src https:\/\/file\.example 'nonce-abc123'/);
  // WebAssembly's own permission is the one 'unsafe' word: no inline script or style, no eval.
  assert.doesNotMatch(csp.replace("'wasm-unsafe-eval'", ''), /unsafe/);
});

test('inlined CSS and bootstrap cannot close their elements, and lose their source map comments', () => {
  const html = panelPage(parts);
  assert.equal(html.match(/<\/script>/g)?.length, 1);
  assert.equal(html.match(/<\/style>/g)?.length, 2);
  assert.doesNotMatch(html, /sourceMappingURL/);
  assert.match(html, /content: "<\\\/style>"/);
});

test('a page without a bundle names none; a surface without an outline shows the loading line alone', () => {
  const html = panelPage({ ...parts, surface: 'modelInspector', bundleUrl: undefined });
  assert.deepEqual(scripts(html), ['<script nonce="abc123">']);
  assert.match(html, /<div id="dl-skeleton" aria-busy="true"><p class="dl-loading" role="status">[^<]*<\/p><\/div>/);
});
