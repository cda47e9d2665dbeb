// The inline bootstrap every page runs (webview/bootstrap/main.ts): the bundle comes after the page's load
// event, and what the host posted before it ran (VS Code delivers its queue at load, e.g. a restored form
// after a hidden panel is shown again) still reaches the bundle's listeners, once each and in order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from './harness.mjs';

const ORIGIN = 'https://panel.test';
// The surface stand-in: records what its listener gets.
const BUNDLE = `window.addEventListener('message', (e) => window.__got.push(e.data)); window.__bundleRan = true;`;

function page(bootstrap) {
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' +
    '<div id="dl-skeleton">Loading…</div>' +
    '<script>window.__got = []; window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });</script>' +
    `<script data-bundle="${ORIGIN}/bundle.js">${bootstrap}</script></body></html>`
  );
}

export const tests = [
  {
    name: 'bootstrap: messages posted before the bundle ran reach it once each, in order, before later ones',
    async run(browser) {
      const bootstrap = readFileSync(join('dist', 'webview', 'bootstrap.js'), 'utf8');
      const tab = await browser.newPage();
      let release;
      const held = new Promise((resolve) => (release = resolve));
      let requested = false;
      await tab.route(`${ORIGIN}/page.html`, (route) =>
        route.fulfill({ contentType: 'text/html', body: page(bootstrap) }),
      );
      await tab.route(`${ORIGIN}/bundle.js`, async (route) => {
        requested = true;
        await held;
        await route.fulfill({ contentType: 'text/javascript', body: BUNDLE });
      });
      await tab.goto(`${ORIGIN}/page.html`, { waitUntil: 'load' });
      for (let waited = 0; !requested; waited += 10) {
        assert(waited < 5_000, 'the bootstrap requested no bundle after the load event');
        await tab.waitForTimeout(10);
      }
      assert(await tab.evaluate(() => !window.__bundleRan), 'the bundle has not run yet');
      await tab.evaluate(() => {
        window.postMessage({ n: 1 }, '*');
        window.postMessage({ n: 2 }, '*');
      });
      await tab.waitForTimeout(50);
      release();
      await tab.waitForFunction(() => window.__bundleRan === true);
      await tab.evaluate(() => window.postMessage({ n: 3 }, '*'));
      await tab.waitForFunction(() => window.__got.length >= 3);
      await tab.waitForTimeout(50);
      const got = await tab.evaluate(() => window.__got.map((d) => d.n));
      assert(got.join() === '1,2,3', `the bundle got ${got}`);
      await tab.close();
    },
  },
];
