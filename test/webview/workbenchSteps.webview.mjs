// The step viewer while it has no steps: a live run waits for its first one, a palette run (no steps
// captured) says how to get them; neither shows a Play button or a scrubber until there are frames.
import { assert, expectPosted, openSurface, post } from './harness.mjs';
import { workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [{ id: 'm1', label: 'tiny-sd (default)', sizeMultiple: 8, nativeSize: 32, previews: ['latent'] }];
const form = workbenchForm();
const spec = {
  modelDir: '/m',
  prompt: 'a red circle',
  negativePrompt: '',
  seed: 7,
  steps: 2,
  guidanceScale: 7.5,
  guidanceRescale: 0,
  width: 32,
  height: 32,
  batchSize: 1,
};
const run = {
  id: 'r1',
  createdAt: '2026-01-01T00:00:00.000Z',
  spec,
  modelLabel: 'tiny-sd',
  status: 'running',
  images: [],
};
const done = { ...run, status: 'done', images: [{ seed: 7, width: 32, height: 32 }] };

/** Step `step` of 2; `captured`: with its latent and preview, as the workbench's runs send them. */
function frame(step, captured) {
  const xt = new Float32Array(64).map((_, i) => Math.sin(i + step));
  const base = { step, totalSteps: 2, t: 999 - step * 500, sigma: 14.6 / (step + 1), mean: 0, std: 1, noiseNorm: 1 };
  if (!captured) return { ...base, latentShape: [4, 4, 4] };
  const rgba = new Uint8Array(8 * 8 * 4).fill(255);
  return { ...base, latentShape: [4, 4, 4], xt, x0: xt, preview: { width: 8, height: 8, rgba } };
}

/** What of the viewer is visible: its empty line (text, or null when hidden), Play, the scrubber. */
function viewerState(page) {
  return page.evaluate(() => {
    const shown = (e) => !!e && e.getClientRects().length > 0;
    const empty = document.querySelector('.step-viewer .step-empty');
    const play = [...document.querySelectorAll('.step-viewer vscode-button')].find((b) => /Play/.test(b.textContent));
    return {
      empty: shown(empty) ? empty.textContent : null,
      play: shown(play),
      scrubber: shown(document.querySelector('#step-scrubber')),
      chart: shown(document.querySelector('.step-viewer .stats-chart')),
    };
  });
}

export const tests = [
  {
    name: 'a live run waits for its first step without Play or scrubber, which appear with the first frame',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot: workbenchSnapshot({ form, models }) });
      await post(page, { type: 'runStarted', run });
      await page.waitForFunction(() => document.querySelector('.step-empty')?.textContent.includes('Waiting'));
      let state = await viewerState(page);
      assert(/^Waiting for the first step/.test(state.empty), `empty line: ${state.empty}`);
      assert(!state.play && !state.scrubber && !state.chart, `nothing to play yet: ${JSON.stringify(state)}`);
      // A step between captures moves the progress on, still without a Play button.
      await post(page, { type: 'step', runId: 'r1', frame: frame(0, false) });
      await page.waitForFunction(() => /Step 1\/2/.test(document.querySelector('.step-empty').textContent));
      assert(!(await viewerState(page)).play, 'no Play button for an uncaptured step');
      await post(page, { type: 'step', runId: 'r1', frame: frame(1, true) });
      await page.waitForFunction(() => document.querySelector('.step-viewer').dataset.step === '1');
      state = await viewerState(page);
      assert(state.empty === null && state.play && state.scrubber, `with a frame: ${JSON.stringify(state)}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'a palette run opened in the workbench says its steps were not captured and how to get them',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot: workbenchSnapshot({ form, models, runs: [done] }) });
      await expectPosted(page, 'openRun', 'the workbench asks for the run on view');
      await post(page, {
        type: 'runDetail',
        detail: { run: done, frames: [frame(0, false), frame(1, false)], pngs: [] },
      });
      await page.waitForFunction(() => /not captured|No steps/.test(document.querySelector('.step-empty').textContent));
      const state = await viewerState(page);
      assert(/No steps were captured.*command palette.*Re-run/.test(state.empty), `empty line: ${state.empty}`);
      assert(!state.play && !state.scrubber && !state.chart, `nothing to play: ${JSON.stringify(state)}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'a failed run on view leaves no stale wait: the run on view before it comes back, or nothing',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot: workbenchSnapshot({ form, models }) });
      const failed = (r) => ({ ...r, status: 'failed', error: 'missing unet/model.onnx' });
      // Nothing was on view: the steps and images go, the notice says why.
      await post(page, { type: 'runStarted', run });
      await page.waitForFunction(() => document.querySelector('.step-empty')?.textContent.includes('Waiting'));
      await post(page, { type: 'runFinished', run: failed(run), pngs: [] });
      await page.waitForFunction(() => document.querySelector('.step-viewer').hidden);
      const notice = await page.textContent('.run > .notice');
      assert(/Run failed: missing unet\/model\.onnx/.test(notice), `notice: ${notice}`);
      assert((await viewerState(page)).empty === null, 'no "Waiting for the first step" left for a dropped run');
      // A finished run on view, then a failed one: the finished one is back, its image with it.
      const png = await page.evaluate(async () => {
        const c = document.createElement('canvas');
        c.width = c.height = 8;
        c.getContext('2d').fillRect(0, 0, 4, 4);
        return [...new Uint8Array(await (await new Promise((r) => c.toBlob(r))).arrayBuffer())];
      });
      const second = { ...run, id: 'r2', createdAt: '2026-01-02T00:00:00.000Z' };
      await post(page, { type: 'runStarted', run: second });
      await post(page, { type: 'step', runId: 'r2', frame: frame(0, true) });
      await post(page, {
        type: 'runFinished',
        run: { ...done, id: 'r2', createdAt: second.createdAt },
        pngs: [new Uint8Array(png)],
      });
      await page.waitForFunction(() => document.querySelectorAll('.image-tile img').length === 1);
      await post(page, { type: 'runStarted', run: { ...run, id: 'r3', createdAt: '2026-01-03T00:00:00.000Z' } });
      await page.waitForFunction(() => document.querySelectorAll('.image-tile img').length === 0);
      await post(page, { type: 'runFinished', run: failed({ ...run, id: 'r3' }), pngs: [] });
      await page.waitForFunction(() => document.querySelectorAll('.image-tile img').length === 1);
      const state = await viewerState(page);
      assert(state.empty === null && state.scrubber, `the finished run's steps are back: ${JSON.stringify(state)}`);
      assert(
        (await page.evaluate(() => document.querySelector('.run-head vscode-single-select').value)) === 'r2',
        'the picker shows it',
      );
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
