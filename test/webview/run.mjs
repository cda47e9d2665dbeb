// Webview suite: runs every test/webview/*.webview.mjs spec against the built bundles in headless
// Chromium. A spec exports `tests`, a list of { name, run(browser) }. Prints "N passed, N failed".
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const specs = readdirSync(here)
  .filter((f) => f.endsWith('.webview.mjs') && f.includes(filter))
  .sort();
const browser = await launchChromium();
let passed = 0;
let failed = 0;
try {
  for (const spec of specs) {
    const { tests } = await import(pathToFileURL(join(here, spec)).href);
    for (const t of tests) {
      const started = Date.now();
      try {
        await t.run(browser);
        passed++;
        console.log(`ok - ${spec}: ${t.name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed++;
        console.log(`not ok - ${spec}: ${t.name}\n  ${String(error?.stack ?? error).replace(/\n/g, '\n  ')}`);
      }
    }
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
