// The workbench as a practitioner uses it: the layout at 1400×900, 900×700, 600×700 and 240×480
// (Generate in view, the batch as a grid of large nearest-neighbour images, click to enlarge; narrow,
// a one-row Generate bar and the newest image in view), each image's
// actions, the variation seed and the queue, form notes that belong to the form, the loading
// state, and the gallery's and image panel's per-image actions.
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';
import { workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [
  {
    id: 'm1',
    label: 'tiny-sd (default)',
    sizeMultiple: 8,
    nativeSize: 32,
    guidanceScale: 3,
    previews: ['latent', 'taesd'],
  },
];
const form = workbenchForm({ seed: '7', guidanceScale: '3', batchSize: '4' });
const snapshot = workbenchSnapshot({ form, models });
const spec = {
  modelDir: '/m',
  prompt: 'a red circle on a blue background, seen from above',
  negativePrompt: '',
  seed: 7,
  steps: 4,
  guidanceScale: 3,
  guidanceRescale: 0,
  width: 32,
  height: 32,
  batchSize: 4,
};
const images = [7, 8, 9, 10].map((seed, i) => ({
  seed,
  width: 32,
  height: 32,
  ...(i === 0 && { savedAs: '20260101-000000-7.png' }),
}));
const run = {
  id: 'r1',
  createdAt: '2026-01-01T00:00:00.000Z',
  spec,
  modelLabel: 'tiny-sd',
  status: 'running',
  images: [],
};
const done = { ...run, status: 'done', images, totalMs: 1234 };

/** A 32×32 PNG made in the page. */
function png(page) {
  return page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = c.height = 32;
    c.getContext('2d').fillRect(0, 0, 16, 16);
    return [...new Uint8Array(await (await new Promise((r) => c.toBlob(r))).arrayBuffer())];
  });
}

/** A workbench showing a finished batch of four. */
async function finishedBatch(browser, viewport) {
  const surface = await openSurface(browser, 'workbench', viewport);
  const { page } = surface;
  await post(page, { type: 'snapshot', snapshot });
  await post(page, { type: 'runStarted', run });
  const bytes = new Uint8Array(await png(page));
  await post(page, { type: 'runFinished', run: done, pngs: [bytes, bytes, bytes, bytes] });
  await page.waitForFunction(() => document.querySelectorAll('.images img').length === 4);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.images img')].every((i) => i.complete && i.naturalWidth > 0),
  );
  return surface;
}

/** Where the Generate button and the batch's images are, in the viewport. */
function layout(page) {
  return page.evaluate(() => {
    const box = (e) => e.getBoundingClientRect().toJSON();
    const generate = [...document.querySelectorAll('vscode-button')].find((b) => b.textContent === 'Generate');
    return {
      generate: box(generate),
      form: box(document.querySelector('.form-column')),
      run: box(document.querySelector('.run')),
      images: [...document.querySelectorAll('.images img')].map(box),
      captions: [...document.querySelectorAll('.images figcaption')].map((c) => ({ ...box(c), text: c.textContent })),
      rendering: getComputedStyle(document.querySelector('.images img')).imageRendering,
      viewport: { width: innerWidth, height: innerHeight },
    };
  });
}

const inView = (r, v) => r.top >= 0 && r.bottom <= v.height && r.left >= 0 && r.right <= v.width && r.width > 0;

export const tests = [
  ...[
    { width: 1400, height: 900, minSide: 250, sideBySide: true },
    { width: 900, height: 700, minSide: 180, sideBySide: true },
    { width: 600, height: 700, minSide: 180, sideBySide: false },
    // A column beside the image panel with Problems open.
    { width: 240, height: 480, minSide: 90, sideBySide: false },
  ].map(({ width, height, minSide, sideBySide }) => ({
    name: `layout at ${width}×${height}: Generate in view, the batch a grid of images of at least ${minSide} px, ${sideBySide ? 'beside' : 'above'} the form`,
    async run(browser) {
      const { page, errors } = await finishedBatch(browser, { width, height });
      const l = await layout(page);
      assert(
        inView(l.generate, l.viewport),
        `Generate in view: ${JSON.stringify(l.generate)} in ${JSON.stringify(l.viewport)}`,
      );
      for (const img of l.images)
        assert(img.width >= minSide && img.height >= minSide, `image ${img.width}×${img.height} px, want ≥ ${minSide}`);
      assert(l.images[0].top === l.images[1].top && l.images[2].top > l.images[0].top, 'four images as a 2×2 grid');
      assert(l.rendering === 'pixelated', `small images scaled up without smoothing, not ${l.rendering}`);
      // Each image of the batch says its seed, right under it.
      assert(l.captions.map((c) => c.text).join() === 'seed 7,seed 8,seed 9,seed 10', JSON.stringify(l.captions));
      l.captions.forEach((c, i) =>
        assert(
          c.top >= l.images[i].bottom && c.top - l.images[i].bottom < 8 && c.left === l.images[i].left,
          `caption ${i}`,
        ),
      );
      if (sideBySide) assert(l.run.left >= l.form.right, 'results beside the form');
      else assert(l.run.bottom <= l.form.top + 1, 'results above the form');
      // Scrolled to the bottom of the page, Generate is still there.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      const scrolled = await layout(page);
      assert(
        inView(scrolled.generate, scrolled.viewport),
        `Generate in view after scrolling: ${JSON.stringify(scrolled.generate)}`,
      );
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  })),
  ...[
    { width: 240, height: 480 },
    { width: 600, height: 700 },
  ].map((viewport) => ({
    name: `pinned at ${viewport.width}×${viewport.height}, the Generate bar with its queue line covers none of the page once scrolled to its end`,
    async run(browser) {
      const { page, errors } = await finishedBatch(browser, viewport);
      await post(page, { type: 'queue', queue: { waiting: 2, forever: false } });
      await page.waitForFunction(() => /2 runs waiting/.test(document.querySelector('.queue').textContent));
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      const { bar, last } = await page.evaluate(() => ({
        bar: document.querySelector('.generate-bar').getBoundingClientRect().toJSON(),
        last: document.querySelector('.provider').getBoundingClientRect().toJSON(),
      }));
      assert(bar.height > 0 && bar.bottom <= viewport.height + 1, `the bar pinned: ${JSON.stringify(bar)}`);
      assert(last.bottom <= bar.top, `the form's last line above the bar: ${last.bottom} against ${bar.top}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  })),
  {
    name: 'stacked below a finished batch, a restored form is scrolled into view with its note',
    async run(browser) {
      const { page, errors } = await finishedBatch(browser, { width: 600, height: 700 });
      await post(page, { type: 'form', form, note: 'Restored from a Diffusion Lab record.' });
      await page.waitForFunction(() => /Restored/.test(document.querySelector('.form-note').textContent));
      const note = await page.evaluate(() => document.querySelector('.form-note').getBoundingClientRect().toJSON());
      // Scrolled to its top edge, the note may sit a fraction of a pixel above it.
      assert(note.top > -1 && note.bottom <= 700, `the note in view: ${JSON.stringify(note)}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'before any run: the status says how to start; no run list, no Play or scrubber',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot });
      await page.waitForFunction(() => /^No run yet/.test(document.querySelector('.status').textContent));
      const shown = await page.evaluate(() =>
        ['#run-select', '.step-viewer', '#step-scrubber'].filter((s) => document.querySelector(s).checkVisibility()),
      );
      assert(shown.length === 0, `shown with no run: ${shown}`);
      await post(page, { type: 'runStarted', run });
      await page.waitForFunction(() => document.querySelector('.step-viewer').checkVisibility());
      assert(await page.isVisible('#run-select'), 'the run list once there is a run');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'narrow (240×480): the Generate bar one row, Generate its widest button, the rest behind ⋯; the newest image wholly in view',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench', { width: 240, height: 480 });
      await post(page, { type: 'snapshot', snapshot });
      await post(page, { type: 'runStarted', run: { ...run, spec: { ...spec, batchSize: 1 } } });
      const bytes = new Uint8Array(await png(page));
      await post(page, { type: 'runFinished', run: { ...done, images: images.slice(0, 1) }, pngs: [bytes] });
      await page.waitForFunction(() => {
        const img = document.querySelector('.images img');
        return img?.complete && img.naturalWidth > 0;
      });
      const shown = (selector) =>
        page.evaluate(
          (sel) =>
            [...document.querySelectorAll(sel)]
              .filter((e) => e.getBoundingClientRect().width > 0)
              .map((e) => ({ text: e.textContent.trim(), ...e.getBoundingClientRect().toJSON() })),
          selector,
        );
      const bar = (await shown('.generate-bar'))[0];
      const buttons = await shown('.generate-bar vscode-button');
      assert(
        buttons.map((b) => b.text).join(', ') === 'Generate, Cancel, ⋯',
        `bar buttons: ${buttons.map((b) => b.text)}`,
      );
      assert(new Set(buttons.map((b) => b.top)).size === 1 && bar.height <= 48, `one row: ${JSON.stringify(bar)}`);
      assert(buttons[0].width > Math.max(buttons[1].width, buttons[2].width), 'Generate is the widest button');
      assert(inView(bar, { width: 240, height: 480 }), `the bar in view: ${JSON.stringify(bar)}`);
      const [img] = await shown('.images img');
      assert(img.top >= 0 && img.bottom <= bar.top, `the image wholly in view above the bar: ${JSON.stringify(img)}`);
      const [select] = await shown('#run-select');
      assert(select.right <= 240, `the run list fits the width: ${JSON.stringify(select)}`);

      // ⋯ shows the rest above the row; taking one closes it.
      await page.click('.generate-bar .overflow-toggle');
      const forever = (await shown('.generate-bar vscode-button')).find((b) => b.text === 'Generate forever');
      assert(
        forever && inView(forever, { width: 240, height: 480 }),
        `Generate forever shown: ${JSON.stringify(forever)}`,
      );
      await page.click('.generate-bar vscode-button:has-text("Generate forever")');
      await page.waitForFunction(() => window.__posted.some((m) => m.type === 'generate' && m.forever === true));
      assert((await shown('.generate-bar .overflow-menu')).length === 0, 'the menu closed');
      // The image's actions behind its own ⋯; Escape closes the menu and cancels nothing.
      assert((await shown('.image-tile [data-action="copySeed"]')).length === 0, 'image actions folded away');
      await page.click('.image-tile .overflow-toggle');
      await page.waitForSelector('.image-tile [data-action="copySeed"]', { state: 'visible' });
      await page.keyboard.press('Escape');
      await page.waitForSelector('.image-tile [data-action="copySeed"]', { state: 'hidden' });
      assert(!(await posted(page)).some((m) => m.type === 'cancel'), 'Escape cancels nothing');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: "each image's actions post its run and index; Reveal waits for a saved file; a click enlarges; the status line stays short",
    async run(browser) {
      const { page, errors } = await finishedBatch(browser, { width: 1400, height: 900 });
      const status = await page.textContent('.status');
      assert(
        /seeds 7–10/.test(status) && /1 of 4 saved/.test(status) && !/\.png/.test(status),
        `short status: ${status}`,
      );
      assert(/20260101-000000-7\.png/.test(await page.getAttribute('.status', 'title')), 'file names in the tooltip');
      await page.click('.image-tile:nth-child(3) [data-action="varySeed"]');
      await page.click('.image-tile:nth-child(1) [data-action="rerun"]');
      await page.click('.image-tile:nth-child(2) [data-action="copySeed"]');
      await page.click('.image-tile:nth-child(4) [data-action="copyParameters"]');
      await page.click('.image-tile:nth-child(1) [data-action="reveal"]');
      const sent = (await posted(page))
        .filter((m) => m.type === 'imageAction')
        .map((m) => `${m.action} ${m.runId} ${m.index}`);
      assert(
        sent.join(', ') === 'varySeed r1 2, rerun r1 0, copySeed r1 1, copyParameters r1 3, reveal r1 0',
        `actions: ${sent}`,
      );
      assert(
        await page.isDisabled('.image-tile:nth-child(2) [data-action="reveal"]'),
        'an unsaved image cannot be revealed',
      );
      await page.click('.images img >> nth=1');
      await page.waitForSelector('dialog.lightbox[open] img');
      const side = await page.evaluate(
        () => document.querySelector('dialog.lightbox img').getBoundingClientRect().width,
      );
      assert(side >= 600, `the enlarged image fills the window: ${side} px`);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('dialog.lightbox'));
      assert(
        !(await posted(page)).some((m) => m.type === 'cancel'),
        'Escape closes the enlarged image and cancels nothing',
      );
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'variation seed and strength are checked and sent; batch count, Generate forever and the queue',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot });
      await page.waitForFunction(() => document.querySelector('#param-prompt')?.value === 'a red circle');
      await page.fill('#param-subseedStrength input', '1.5');
      assert(/from 0 to 1/.test(await page.textContent('#param-subseedStrength-error')), 'strength above 1 flagged');
      await page.fill('#param-subseedStrength input', '0.3');
      await page.fill('#param-subseed input', '1234');
      await page.fill('#param-batchCount input', '3');
      await page.keyboard.press('Control+Enter');
      const generate = (await posted(page)).find((m) => m.type === 'generate');
      const f = generate?.form;
      assert(
        f?.subseed === '1234' && f.subseedStrength === '0.3' && f.batchCount === '3' && !generate.forever,
        `generate: ${JSON.stringify(generate)}`,
      );
      await post(page, { type: 'runStarted', run });
      await post(page, { type: 'queue', queue: { waiting: 2, forever: false } });
      await page.waitForFunction(() => /2 runs waiting/.test(document.querySelector('.queue').textContent));
      // Generate while running is queued by the host, so it stays available.
      await page.click('vscode-button:has-text("Generate forever")');
      await page.waitForFunction(() => window.__posted.some((m) => m.type === 'generate' && m.forever === true));
      await post(page, { type: 'queue', queue: { waiting: 0, forever: true } });
      await page.waitForFunction(() => /forever/.test(document.querySelector('.queue').textContent));
      await page.click('vscode-button:has-text("Cancel")');
      await expectPosted(page, 'cancel', 'Cancel stops the run and the queue');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: "a restore's note belongs to the form: the next run clears it, a failed import replaces it; a loading run says so",
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot });
      await post(page, { type: 'form', form, note: 'Restored from a Diffusion Lab record.' });
      await page.waitForFunction(() => /Restored/.test(document.querySelector('.form-column .form-note').textContent));
      await post(page, { type: 'runStarted', run });
      await page.waitForFunction(() => document.querySelector('.form-note').hidden);
      assert(/Waiting for the first step/.test(await page.textContent('.step-empty')), 'a run without steps waits');
      assert(await page.isVisible('.step-viewer'), 'the live run keeps its viewer');
      await post(page, { type: 'form', form, note: 'Restored from A1111 parameters.' });
      await post(page, { type: 'importFailed', message: 'x.png carries no generation parameters.' });
      await page.waitForFunction(() =>
        /no generation parameters/.test(document.querySelector('.form-note').textContent),
      );
      // A palette run captures no latents or previews: its steps move the progress on, and once it is
      // done the viewer says so (test/webview/workbenchSteps.webview.mjs has the detail).
      const bare = {
        step: 0,
        totalSteps: 4,
        t: 999,
        sigma: 14.6,
        mean: NaN,
        std: NaN,
        noiseNorm: 1,
        latentShape: [4, 4, 4],
      };
      await post(page, { type: 'step', runId: 'r1', frame: bare });
      await page.waitForFunction(() => /Step 1\/4/.test(document.querySelector('.step-empty').textContent));
      await post(page, { type: 'runFinished', run: { ...done, images: [] }, pngs: [] });
      await page.waitForFunction(() =>
        /No steps were captured/.test(document.querySelector('.step-empty').textContent),
      );
      const exportable = await page.evaluate(() =>
        [...document.querySelectorAll('vscode-button')].some((b) => /Export/.test(b.textContent) && !b.disabled),
      );
      assert(!exportable, 'nothing to export');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'the gallery has one entry per image, the full prompt on hover, and its actions',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'gallery', { width: 300 });
      await post(page, {
        type: 'snapshot',
        items: [{ run: done, thumbnails: [undefined, undefined, undefined, undefined] }],
      });
      await page.waitForFunction(() => document.querySelectorAll('.grid li').length === 4);
      const title = await page.getAttribute('.grid li >> nth=2', 'title');
      assert(title.startsWith(spec.prompt) && /seed 9/.test(title), `tooltip: ${title}`);
      await page.hover('.grid li >> nth=2');
      await page.click('.grid li >> nth=2 >> [data-action="varySeed"]');
      const sent = await posted(page);
      assert(
        sent.some((m) => m.type === 'imageAction' && m.action === 'varySeed' && m.index === 2),
        'vary seed of image 3',
      );
      assert(!sent.some((m) => m.type === 'openRun'), 'an action does not also open the run');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'the image panel offers the actions of each image and shows what they did',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'image');
      const rgba = new Uint8Array(8 * 8 * 4).fill(200);
      const panelRun = {
        runId: 'r1',
        prompt: 'a red circle',
        summary: '4 steps',
        images: [{ width: 8, height: 8, rgba, caption: 'seed 7' }],
      };
      await post(page, { type: 'run', run: panelRun });
      await page.waitForSelector('[data-action="varySeed"]');
      await page.click('[data-action="open"]');
      await page.click('[data-action="varySeed"]');
      await page.click('[data-action="forward"]');
      const sent = (await posted(page))
        .filter((m) => m.type === 'imageAction')
        .map((m) => `${m.action} ${m.runId} ${m.index}`);
      assert(sent.join(', ') === 'open r1 0, varySeed r1 0, forward r1 0', `actions: ${sent}`);
      await post(page, { type: 'notice', level: 'info', message: 'Copied seed 7' });
      await page.waitForFunction(() => /Copied seed 7/.test(document.querySelector('.notice').textContent));
      await page.click('canvas');
      await page.waitForSelector('dialog.lightbox[open] canvas');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
