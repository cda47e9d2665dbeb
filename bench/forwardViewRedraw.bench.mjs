// Milliseconds for the forward-process view (the built webview, npm run build, in headless Chromium)
// to redraw a 512×512 image at a new t: per schedule, x_t by the closed form, to RGBA, putImageData,
// readout; the default row has four schedules. Timed inside the page (document.body.dataset.redrawMs).
// The budget is 16 ms per picture. Prints figures, asserts none.
import { launchChromium, openSurface, post } from '../test/webview/harness.mjs';

const SIZE = 512;
const REDRAWS = 60;
const rgba = new Uint8Array(SIZE * SIZE * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));

const browser = await launchChromium();
try {
  const { page } = await openSurface(browser, 'forward', { width: 1400, height: 900 });
  await post(page, { type: 'schedules', version: 1, source: { schedules: [] } });
  const setupStart = Date.now();
  await post(page, { type: 'image', image: { label: 'bench.png', width: SIZE, height: SIZE, rgba } });
  await page.waitForFunction(() => document.body.dataset.renderedT !== undefined, null, { timeout: 60_000 });
  const setupMs = Date.now() - setupStart;
  const pictures = await page.$$eval('canvas[data-column]', (c) => c.length);
  const times = [];
  for (let k = 1; k <= REDRAWS; k++) {
    const t = (k * 37) % 1000; // slider positions in no particular order
    await page.$eval(
      'input[type=range]',
      (el, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event('input'));
      },
      t,
    );
    await page.waitForFunction((v) => document.body.dataset.renderedT === `${v}:0`, t);
    times.push(Number(await page.evaluate(() => document.body.dataset.redrawMs)));
  }
  const sorted = times.slice(10).sort((a, b) => a - b); // the first redraws warm the JIT
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  console.log(`forward view webview, ${SIZE}×${SIZE}, ${pictures} schedules, ${REDRAWS} redraws at new t:`);
  console.log(`  image to first picture (noise drawn once)  ${setupMs} ms`);
  console.log(
    `  redraw of the row, median                  ${pick(0.5).toFixed(2)} ms (${(pick(0.5) / pictures).toFixed(2)} ms a picture)`,
  );
  console.log(`  redraw of the row, p95                     ${pick(0.95).toFixed(2)} ms   (budget 16 ms a picture)`);
} finally {
  await browser.close();
}
