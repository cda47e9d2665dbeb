// Milliseconds for each webview surface (the built bundles, npm run build, in headless Chromium) to
// open, from the page's navigation start: to 'visible' (the skeleton drawn, reported by the inline
// bootstrap) and to 'usable' (its first state from the host drawn). The page is the one the extension
// builds (src/extension/panelPage.ts: CSP, inline CSS, skeleton, bootstrap), served from a stand-in
// origin; the first host messages are posted once the bundle says "ready", as the extension answers
// it (the 512×512 images travel through the driver as through VS Code's postMessage). The blank panel
// (webview/blankPanel) is the peer: the same page and round trip with nothing of its own to do.
// Also the page's main-thread busy time (Chromium's TaskDuration) to usable. #15's budgets: visible
// within 200 ms, usable within 1 s. A real panel adds VS Code's webview set-up (the e2e spec
// panelOpen.e2e.mjs breaks that down). Prints figures, asserts none.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { launchChromium } from '../test/webview/harness.mjs';
import { workbenchForm, workbenchSnapshot } from '../test/webview/workbenchFixtures.mjs';

const { panelPage } = await tsImport('../src/extension/panelPage.ts', import.meta.url);

const OPENS = 7;
const ORIGIN = 'https://panel.test';
const SIZE = 512;
const rgba = new Uint8Array(SIZE * SIZE * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
const sdxl = JSON.parse(readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8'));
const models = [{ id: 'm1', label: 'tiny-shapes (default)', sizeMultiple: 8, nativeSize: 32, previews: ['latent'] }];

/** Each surface with the messages its host sends first. */
const SURFACES = {
  blankPanel: [{ text: 'Blank panel: the host answered.' }],
  workbench: [{ type: 'snapshot', snapshot: workbenchSnapshot({ form: workbenchForm(), models }) }],
  image: [
    {
      type: 'run',
      run: { prompt: 'bench', summary: 'bench', images: [{ width: SIZE, height: SIZE, rgba, caption: 'seed 1' }] },
    },
  ],
  gallery: [{ type: 'snapshot', items: [] }],
  schedule: [
    {
      type: 'document',
      version: 1,
      source: { id: 'document', label: 'sdxl', schedules: [{ name: 'sdxl', config: sdxl }], findings: [] },
    },
  ],
  forward: [
    { type: 'schedules', version: 1, source: { schedules: [] } },
    { type: 'image', image: { label: 'bench.png', width: SIZE, height: SIZE, rgba } },
  ],
};

const built = (name) => readFileSync(join('dist', 'webview', name), 'utf8');
const builtOr = (name) => {
  try {
    return built(name);
  } catch {
    return '';
  }
};

/** The page and files of `surface`, as the extension would hand them to VS Code. */
function serve(surface) {
  const html = panelPage({
    surface,
    title: surface,
    nonce: 'bench-nonce',
    cspSource: ORIGIN,
    bootstrap: built('bootstrap.js'),
    bundleUrl: `${ORIGIN}/${surface}.js`,
    css: builtOr(`${surface}.css`),
  });
  return { '/': ['text/html', html], [`/${surface}.js`]: ['text/javascript', built(`${surface}.js`)] };
}

// Stands in for VS Code's API before any page script runs: records what the page posts and when.
function stubApi() {
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push({ m, at: performance.now() }),
    getState: () => undefined,
    setState: () => undefined,
  });
}

async function openOnce(browser, surface, messages) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const files = serve(surface);
  await page.route(`${ORIGIN}/**`, (route) => {
    const [contentType, body] = files[new URL(route.request().url()).pathname] ?? [];
    return body === undefined ? route.fulfill({ status: 404 }) : route.fulfill({ contentType, body });
  });
  await page.addInitScript(stubApi);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${ORIGIN}/`);
  // The host answers the bundle's first message ("ready").
  await page.waitForFunction(() => window.__posted.some((p) => p.m.type !== 'panelOpened'), null, { timeout: 30_000 });
  for (const m of messages) await page.evaluate((message) => window.postMessage(message, '*'), m);
  await page.waitForFunction(() => window.__posted.some((p) => p.m.phase === 'usable'), null, { timeout: 30_000 });
  const times = await page.evaluate(() => {
    const at = (phase) => window.__posted.find((p) => p.m.type === 'panelOpened' && p.m.phase === phase)?.at;
    return { visible: at('visible'), usable: at('usable') };
  });
  const { metrics } = await cdp.send('Performance.getMetrics');
  times.busy = 1000 * metrics.find((x) => x.name === 'TaskDuration').value;
  await page.close();
  if (errors.length) throw new Error(`${surface}: ${errors.join('; ')}`);
  return times;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1).padStart(6)} ms`;

const browser = await launchChromium();
try {
  console.log(`panel open in headless Chromium, median of ${OPENS} opens from navigation start, load ${loadavg()[0]}`);
  console.log('(budgets: visible 200 ms, usable 1000 ms; busy: the page main thread busy until usable)');
  let peerUsable;
  for (const [surface, messages] of Object.entries(SURFACES)) {
    const runs = [];
    for (let i = 0; i < OPENS; i++) runs.push(await openOnce(browser, surface, messages));
    const [visible, usable, busy] = ['visible', 'usable', 'busy'].map((k) => median(runs.map((r) => r[k])));
    // The blank panel comes first: the others are told as multiples of it.
    peerUsable ??= usable;
    const ratio = surface === 'blankPanel' ? 'peer' : `${(usable / peerUsable).toFixed(1)}× peer`;
    console.log(`  ${surface.padEnd(10)} visible ${ms(visible)}   usable ${ms(usable)} (${ratio})   busy ${ms(busy)}`);
  }
  console.log(`load after: ${loadavg()[0]}`);
} finally {
  await browser.close();
}
