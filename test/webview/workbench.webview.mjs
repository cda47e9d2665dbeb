// The generation workbench's surfaces in headless Chromium with a stand-in host: inline validation
// and keyboard-only generate in the panel, the per-step viewer over streamed steps, trajectory
// export, and the side-panel gallery opening a run.
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';
import { workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [{ id: 'm1', label: 'tiny-shapes (default)', sizeMultiple: 8, nativeSize: 32, previews: ['latent'] }];
const form = workbenchForm({ sampler: 'EulerDiscreteScheduler · karras σ' });
const snapshot = workbenchSnapshot({ form, models });
const run = {
  id: 'r1',
  createdAt: '2026-01-01T00:00:00.000Z',
  spec: {
    modelDir: '/m',
    prompt: 'a red circle',
    negativePrompt: '',
    seed: 7,
    steps: 4,
    guidanceScale: 7.5,
    guidanceRescale: 0,
    width: 32,
    height: 32,
    batchSize: 1,
  },
  modelLabel: 'tiny-shapes',
  status: 'running',
  images: [],
};

/** A step whose 4×4×4 latent varies with the step, and an 8×8 preview. */
function frame(step) {
  const xt = new Float32Array(64).map((_, i) => Math.sin(i + step) * (4 - step));
  const rgba = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7 + step * 40) % 256));
  return {
    step,
    totalSteps: 4,
    t: 999 - step * 250,
    sigma: 14.6 / (step + 1),
    mean: step * 0.1,
    std: 4 - step,
    noiseNorm: 1 - step * 0.1,
    latentShape: [4, 4, 4],
    xt,
    x0: xt.map((v) => -v),
    preview: { width: 8, height: 8, rgba },
  };
}

async function inkedCanvas(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  }, selector);
}

export const tests = [
  {
    name: 'bad parameters are flagged inline and Ctrl+Enter only generates once they are fixed',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await expectPosted(page, 'ready', 'the panel asks for its snapshot');
      assert(await page.evaluate(() => document.querySelector('.params').inert), 'the form waits for its snapshot');
      await post(page, { type: 'snapshot', snapshot });
      await page.waitForFunction(() => document.querySelector('#param-prompt')?.value === 'a red circle');
      assert(!(await page.evaluate(() => document.querySelector('.params').inert)), 'the snapshot enables the form');
      await page.fill('#param-steps input', '-3');
      await page.fill('#param-seed input', '12abc');
      await page.fill('#param-width input', '30');
      assert(/between 1 and/.test(await page.textContent('#param-steps-error')), 'negative steps flagged');
      assert(/whole number/.test(await page.textContent('#param-seed-error')), 'non-numeric seed flagged');
      assert(/multiple of 8/.test(await page.textContent('#param-width-error')), 'size the model cannot take flagged');
      await page.keyboard.press('Control+Enter');
      assert(!(await posted(page)).some((m) => m.type === 'generate'), 'nothing runs while a field is invalid');
      await page.fill('#param-steps input', '4');
      await page.fill('#param-seed input', '7');
      await page.fill('#param-width input', '32');
      await page.keyboard.press('Control+Enter');
      const generate = (await posted(page)).find((m) => m.type === 'generate');
      assert(
        generate &&
          generate.form.steps === '4' &&
          generate.form.seed === '7' &&
          generate.form.sampler === 'EulerDiscreteScheduler · karras σ',
        `generate: ${JSON.stringify(generate)}`,
      );
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'streamed steps fill the viewer; Escape cancels; scrubbing, playback, tiles, chart and GIF export work',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot });
      await post(page, { type: 'runStarted', run });
      // A posted message arrives as a later event: wait until the run has enabled Cancel.
      await page.waitForFunction(() =>
        [...document.querySelectorAll('vscode-button')].some((b) => b.textContent === 'Cancel' && !b.disabled),
      );
      await page.keyboard.press('Escape');
      await expectPosted(page, 'cancel', 'Escape cancels a running run');
      for (let s = 0; s < 4; s++) await post(page, { type: 'step', runId: 'r1', frame: frame(s) });
      const png = await page.evaluate(async () => {
        const c = document.createElement('canvas');
        c.width = c.height = 8;
        c.getContext('2d').fillRect(0, 0, 4, 4);
        return [...new Uint8Array(await (await new Promise((r) => c.toBlob(r))).arrayBuffer())];
      });
      await post(page, {
        type: 'runFinished',
        run: { ...run, status: 'done', images: [{ seed: 7, width: 8, height: 8 }] },
        pngs: [new Uint8Array(png)],
      });
      await page.waitForFunction(() => document.querySelector('.step-viewer')?.dataset.step === '3');
      assert((await page.$$('.latents .tiles canvas')).length === 8, 'four channel tiles each for x_t and x̂0');
      await page.locator('.images img').waitFor({ timeout: 5_000 });
      assert((await page.$$('.images figcaption')).length === 0, 'one image: its seed is in the status line only');
      assert((await inkedCanvas(page, '.stats-chart canvas')) > 200, 'the statistics chart is drawn');
      await page.focus('#step-scrubber');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction(() => document.querySelector('.step-viewer').dataset.step === '1');
      assert(/step 2\/4/.test(await page.textContent('.readout')), 'the readout names the step');
      const state = await page.evaluate(() => window.__state);
      assert(state.activeRunId === 'r1' && state.step === 1, `webview state kept: ${JSON.stringify(state)}`);
      // Space plays the steps from the one on show to the last, then the button reads Play again.
      await page.keyboard.press(' ');
      await page.waitForFunction(() => document.querySelector('.step-viewer').dataset.step === '2');
      await page.waitForFunction(() => document.querySelector('.step-viewer').dataset.step === '3');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('.scrub vscode-button')].some((b) => b.textContent === 'Play'),
      );
      await page.click('vscode-button:has-text("Export GIF")');
      await page.waitForFunction(() => window.__posted.some((m) => m.type === 'exportTrajectory'));
      const exported = (await posted(page)).find((m) => m.type === 'exportTrajectory');
      const head = String.fromCharCode(...Object.values(exported.bytes).slice(0, 6));
      assert(head === 'GIF89a' && exported.runId === 'r1', `GIF export: ${head}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'the gallery shows the live preview and opens a run from the keyboard',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'gallery', { width: 300 });
      await expectPosted(page, 'ready', 'the gallery asks for its snapshot');
      await post(page, {
        type: 'snapshot',
        items: [
          { run: { ...run, status: 'done', images: [{ seed: 7, width: 32, height: 32 }] }, thumbnails: [undefined] },
        ],
      });
      await post(page, { type: 'liveStarted', runId: 'r2' });
      await page.waitForFunction(() => /Starting/.test(document.querySelector('.live p').textContent));
      await post(page, {
        type: 'liveStep',
        runId: 'r2',
        progress: { step: 1, totalSteps: 4, preview: frame(1).preview },
      });
      await page.waitForFunction(() => !document.querySelector('.live').hidden);
      assert(/Step 2 of 4/.test(await page.textContent('.live p')), 'live step shown');
      assert((await inkedCanvas(page, '.live canvas')) === 64, 'live preview drawn');
      await post(page, { type: 'liveEnded', runId: 'r2' });
      await page.waitForFunction(() => document.querySelector('.live').hidden);
      await page.focus('[data-run-id="r1"]');
      await page.keyboard.press('Enter');
      const open = (await posted(page)).find((m) => m.type === 'openRun');
      assert(open?.runId === 'r1', 'Enter opens the run');
      await page.keyboard.press('Delete');
      assert(
        (await posted(page)).some((m) => m.type === 'removeRun' && m.runId === 'r1'),
        'Delete asks to remove the run',
      );
      await page.hover('[data-run-id="r1"]');
      await page.click('[data-run-id="r1"] .remove');
      const sent = await posted(page);
      assert(
        sent.filter((m) => m.type === 'removeRun').length === 2 &&
          sent.filter((m) => m.type === 'openRun').length === 1,
        'the × asks to remove, and does not open',
      );
      await post(page, { type: 'removed', runId: 'r1' });
      await page.waitForFunction(() => !document.querySelector('[data-run-id="r1"]'));
      assert(await page.isVisible('.empty'), 'an emptied gallery says so');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
