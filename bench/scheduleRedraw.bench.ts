// Time from an edit of a scheduler config to the redrawn schedule plots: a 1000-timestep schedule
// sampled with 1000 steps, two overlay files, every plot. The host side (parsing and checking the
// edited text) runs here in Node; the webview side (compute with the core + uPlot redraw) runs on
// the built bundle (npm run build) in headless Chromium. Peer in the same run: the same edit when
// every chart has to be rebuilt (series labels change), which is what an in-place setData saves.
import { readFileSync } from 'node:fs';
import { readScheduleDocument } from '../src/documents/scheduleDocument';

const EDITS = 40;
const sdxl = JSON.parse(readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8'));

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

/** Host: parse and check the edited text, as after each (debounced) keystroke. */
function timeHost(): number[] {
  const ms: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const text = JSON.stringify({ ...sdxl, beta_end: 0.012 + i * 1e-5 }, null, 2);
    const t0 = performance.now();
    const doc = readScheduleDocument(text, 'config', 'sdxl');
    ms.push(performance.now() - t0);
    if (doc.schedules.length !== 1) throw new Error(`the bench config did not read: ${doc.error}`);
  }
  return ms;
}

async function main(): Promise<void> {
  const hostMs = timeHost();
  // Plain-JS modules (ES modules; this file runs as CommonJS): the webview tests' harness, and the
  // in-page timing loop, which must not pass through the TypeScript loader. `as string` keeps tsc
  // from looking for declarations of these untyped modules (TS7016), so it is needed after all.
  /* eslint-disable @typescript-eslint/no-unnecessary-type-assertion */
  const { launchChromium, openSurface, post } = await import('../test/webview/harness.mjs' as string);
  const { timeEdits } = await import('./scheduleRedrawPage.mjs' as string);
  /* eslint-enable @typescript-eslint/no-unnecessary-type-assertion */
  const browser = await launchChromium();
  try {
    const { page } = await openSurface(browser, 'schedule', {
      state: { sampler: '', steps: 1000, primary: '', variants: [] },
    });
    const overlay = (id: string, name: string, config: object) => ({
      id,
      label: `${name}.json`,
      schedules: [{ name, config }],
      findings: [],
    });
    await post(page, {
      type: 'overlays',
      overlays: [
        // SDXL's leading spacing with steps_offset 1 would visit t = 1000 at 1000 steps, which DDIM refuses.
        overlay('o1', 'ddim', { ...sdxl, _class_name: 'DDIMScheduler', timestep_spacing: 'linspace' }),
        overlay('o2', 'trailing', { ...sdxl, timestep_spacing: 'trailing', rescale_betas_zero_snr: true }),
      ],
    });
    const measure = (relabel: boolean) => page.evaluate(timeEdits, { config: sdxl, edits: EDITS, relabel, warmup: 3 });
    const inPlace = await measure(false);
    const rebuild = await measure(true);
    const host = median(hostMs);
    const web = median(inPlace.drawn);
    console.log(
      `schedule redraw: T = 1000, 1000 sampler steps, ${inPlace.curves} curves per plot (document + 2 overlays), 7 plots, ${EDITS} edits`,
    );
    console.log(
      `  host parse + check (Node):            median ${host.toFixed(2)} ms, p95 ${p95(hostMs).toFixed(2)} ms`,
    );
    console.log(
      `  webview compute + redraw (Chromium):  median ${web.toFixed(1)} ms, p95 ${p95(inPlace.drawn).toFixed(1)} ms`,
    );
    console.log(`  ... until the next frame:             median ${median(inPlace.framed).toFixed(1)} ms`);
    console.log(
      `  edit → redrawn plot (host + webview): median ${(host + web).toFixed(1)} ms (target ≤ 50 ms; typing adds the 60 ms debounce)`,
    );
    console.log(
      `  peer, charts rebuilt on every edit:   median ${median(rebuild.drawn).toFixed(1)} ms → in-place is ${(median(rebuild.drawn) / web).toFixed(2)}× faster`,
    );
  } finally {
    await browser.close();
  }
}

void main();
