// Milliseconds for each webview surface (the built bundles, npm run build, in headless Chromium) to
// open: to its first script run ('visible': the loading line is on screen) and to taking input
// ('usable': its first state from the host drawn), both from just before the bundle loads. The first
// state is posted once the bundle has run, as the extension answers its "ready"; the 512×512 images
// travel through the driver as through VS Code's postMessage. #15's budgets: visible within 200 ms,
// usable within 1 s. A real panel adds VS Code's webview set-up, which the extension log's
// "<surface> opened" lines include. Prints figures, asserts none.
import { readFileSync } from 'node:fs';
import { launchChromium, openSurface, post } from '../test/webview/harness.mjs';
import { workbenchForm, workbenchSnapshot } from '../test/webview/workbenchFixtures.mjs';

const OPENS = 7;
const SIZE = 512;
const rgba = new Uint8Array(SIZE * SIZE * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
const sdxl = JSON.parse(readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8'));
const models = [{ id: 'm1', label: 'tiny-shapes (default)', sizeMultiple: 8, nativeSize: 32, previews: ['latent'] }];

/** Each surface with the messages its host sends first. */
const SURFACES = {
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

async function openOnce(browser, surface, messages) {
  const { page, errors } = await openSurface(browser, surface, { width: 1400, height: 900 });
  for (const m of messages) await post(page, m);
  const sent = (phase) => window.__posted.some((m) => m.type === 'panelOpened' && m.phase === phase);
  await page.waitForFunction(sent, 'usable', { timeout: 30_000 });
  const times = await page.evaluate(() =>
    Object.fromEntries(
      window.__posted.flatMap((m, i) => (m.type === 'panelOpened' ? [[m.phase, window.__postedAt[i]]] : [])),
    ),
  );
  await page.close();
  if (errors.length) throw new Error(`${surface}: ${errors.join('; ')}`);
  return times;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await launchChromium();
try {
  console.log(`panel open in headless Chromium, median of ${OPENS} opens (budgets: visible 200 ms, usable 1000 ms):`);
  for (const [surface, messages] of Object.entries(SURFACES)) {
    const runs = [];
    for (let i = 0; i < OPENS; i++) runs.push(await openOnce(browser, surface, messages));
    const visible = median(runs.map((r) => r.visible));
    const usable = median(runs.map((r) => r.usable));
    console.log(
      `  ${surface.padEnd(10)} visible ${visible.toFixed(1).padStart(6)} ms   usable ${usable.toFixed(1).padStart(6)} ms`,
    );
  }
} finally {
  await browser.close();
}
