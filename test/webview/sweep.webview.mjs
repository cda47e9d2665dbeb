// The sweep grid (webview/sweep) with a stand-in host: the grid laid out from the view, cells filled
// in place as their PNGs arrive (timed: the target is ≤ 16 ms a cell), findings over a dimmed grid,
// run and cancel, the two-cell diff and its trajectory chart.
import { encode } from 'fast-png';
import { canvasText, recordCanvasText, textProblems } from './canvasText.mjs';
import { assert, expectPosted, openSurface, posted, post } from './harness.mjs';

const view = {
  axes: [
    { name: 'x', field: 'sampler', labels: ['Euler', 'DDIM'] },
    { name: 'y', field: 'steps', labels: ['4', '8'] },
  ],
  shape: [2, 2, 1],
  cellCount: 4,
  tips: ['cell 0\nx: sampler = Euler', 'cell 1\nx: sampler = DDIM', 'cell 2', 'cell 3'],
};

const png = (grey) => [...encode({ width: 4, height: 4, data: new Uint8Array(64).fill(grey), channels: 4, depth: 8 })];

/** Sends a cell's PNG and returns how long the page took to show it (message handling to the image in the DOM). */
function sendCell(page, index, bytes) {
  return page.evaluate(
    ([i, b]) =>
      new Promise((resolve) => {
        const started = performance.now();
        window.addEventListener('message', () => resolve(performance.now() - started), { once: true });
        window.postMessage({ type: 'cell', index: i, png: new Uint8Array(b) }, '*');
      }),
    [index, bytes],
  );
}

export const tests = [
  {
    name: 'lays out the grid with its labels and fills cells in place as they arrive',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'sweep', { csp: true });
      await expectPosted(page, 'ready', 'the grid did not ask for its document');
      await post(page, { type: 'sweep', view, findings: [] });
      await page.locator('.cell').nth(3).waitFor({ timeout: 5_000 });
      const labels = await page.locator('.label').allTextContents();
      assert(JSON.stringify(labels) === JSON.stringify(['Euler', 'DDIM', '4', '8']), `labels ${labels}`);
      const hint = () => page.locator('.hint').textContent();
      assert((await hint()).startsWith('Empty cells have not run yet'), `hint before a cell: ${await hint()}`);
      const times = [];
      for (let i = 0; i < 4; i++) times.push(await sendCell(page, i, png(60 * i)));
      await page.locator('img.cell').nth(3).waitFor({ timeout: 5_000 });
      assert((await hint()).startsWith('Click a cell'), `hint once cells have images: ${await hint()}`);
      const cells = await page.evaluate(() =>
        [...document.querySelectorAll('.cell')].map((c) => [c.tagName, c.title.split('\n')[0]]),
      );
      assert(
        JSON.stringify(cells) ===
          JSON.stringify([
            ['IMG', 'cell 0'],
            ['IMG', 'cell 1'],
            ['IMG', 'cell 2'],
            ['IMG', 'cell 3'],
          ]),
        JSON.stringify(cells),
      );
      const pixelated = await page.evaluate(() => getComputedStyle(document.querySelector('img.cell')).imageRendering);
      assert(pixelated === 'pixelated', `image-rendering ${pixelated}`);
      console.log(`  cell update: ${times.map((t) => t.toFixed(1)).join(', ')} ms (target ≤ 16 ms)`);
      assert(errors.length === 0, errors.join('\n'));
      await page.close();
    },
  },
  {
    name: 'cells are 192 px square where the pane has room and shrink to fit a narrow one, down to 64',
    async run(browser) {
      const sizes = {};
      for (const width of [1200, 400, 120]) {
        const { page, errors } = await openSurface(browser, 'sweep', { width, height: 700 });
        await post(page, { type: 'sweep', view, findings: [] });
        await page.locator('.cell').nth(3).waitFor({ timeout: 5_000 });
        await sendCell(page, 0, png(90));
        await page.locator('img.cell').first().waitFor({ timeout: 5_000 });
        sizes[width] = await page.evaluate(() =>
          [...document.querySelectorAll('.cell')].map((c) => {
            const r = c.getBoundingClientRect();
            return [Math.round(r.width), Math.round(r.height), Math.round(r.right)];
          }),
        );
        assert(errors.length === 0, errors.join('\n'));
        await page.close();
      }
      const square = (w) => sizes[w].every(([cw, ch]) => cw === ch && cw === sizes[w][0][0]);
      assert([1200, 400, 120].every(square), `cells square and alike: ${JSON.stringify(sizes)}`);
      assert(sizes[1200][0][0] === 192, `192 px with room: ${JSON.stringify(sizes[1200])}`);
      const fit = sizes[400];
      assert(fit[0][0] < 192 && fit[0][0] >= 64, `shrunk to fit 400 px: ${JSON.stringify(fit)}`);
      assert(Math.max(...fit.map(([, , right]) => right)) <= 400, `inside the pane: ${JSON.stringify(fit)}`);
      assert(sizes[120][0][0] === 64, `64 px at the least: ${JSON.stringify(sizes[120])}`);
    },
  },
  {
    name: 'findings show over the last grid, dimmed; clear empties the cells',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'sweep', { csp: true });
      await post(page, { type: 'sweep', view, findings: [] });
      await sendCell(page, 0, png(10));
      await post(page, { type: 'sweep', findings: [{ severity: 'error', message: 'axis x has no values' }] });
      await page.locator('.findings .error', { hasText: 'axis x has no values' }).waitFor({ timeout: 5_000 });
      assert(await page.evaluate(() => document.querySelector('.stale .grid') !== null), 'the grid is not dimmed');
      assert((await page.locator('img.cell').count()) === 1, 'the last grid keeps its image');
      await post(page, { type: 'clear' });
      await page.waitForFunction(() => document.querySelectorAll('img.cell').length === 0, null, { timeout: 5_000 });
      assert(errors.length === 0, errors.join('\n'));
      await page.close();
    },
  },
  {
    name: 'Run asks the host; while running, Cancel shows and Run is off',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'sweep', { csp: true });
      await post(page, { type: 'sweep', view, findings: [] });
      await page.getByText('Run sweep').click();
      await expectPosted(page, 'run', 'Run did not reach the host');
      await post(page, { type: 'progress', running: true, text: 'cells 1–2/4, step 3/20' });
      await page.getByText('cells 1–2/4, step 3/20').waitFor({ timeout: 5_000 });
      assert(await page.getByText('Run sweep').isDisabled(), 'Run is still on');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expectPosted(page, 'cancel', 'Cancel did not reach the host');
      await post(page, { type: 'progress', running: false, text: 'Cancelled.' });
      await page
        .getByRole('button', { name: 'Cancel', includeHidden: true })
        .waitFor({ state: 'hidden', timeout: 5_000 });
      assert((await posted(page)).filter((m) => m.type === 'run').length === 1, 'one run asked');
      assert(errors.length === 0, errors.join('\n'));
      await page.close();
    },
  },
  {
    name: 'running cells show their step and a bar that grows; a finished cell and the run end clear the mark',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'sweep', { csp: true });
      await post(page, { type: 'sweep', view, findings: [] });
      const marks = () =>
        page.evaluate(() =>
          [...document.querySelectorAll('.cell')].map((c) =>
            c.classList.contains('running')
              ? [c.dataset.index, c.dataset.step, c.style.getPropertyValue('--done')]
              : null,
          ),
        );
      const active = { cells: [1, 3], step: 5, steps: 20 };
      await post(page, { type: 'progress', running: true, text: 'cells 1–2/2, step 5/20', active });
      await page.locator('.cell.running').nth(1).waitFor({ timeout: 5_000 });
      const at5 = JSON.stringify([null, ['1', 'step 5/20', '0.25'], null, ['3', 'step 5/20', '0.25']]);
      assert(JSON.stringify(await marks()) === at5, `marks at step 5: ${JSON.stringify(await marks())}`);
      const caption = await page.evaluate(
        () => getComputedStyle(document.querySelector('.cell.running'), '::after').content,
      );
      assert(caption === '"step 5/20"', `the cell's caption: ${caption}`);
      assert((await page.locator('[aria-busy="true"]').count()) === 2, 'running cells are busy');
      assert((await page.locator('.cell[aria-busy="false"]').count()) === 2, 'the others are not');
      // Cell 1's batch ends first: its image replaces the mark, and the host names only cell 3 from then on.
      await sendCell(page, 1, png(50));
      const later = { cells: [3], step: 15, steps: 20 };
      await post(page, { type: 'progress', running: true, text: 'cells 1–2/2, step 15/20', active: later });
      await page.waitForFunction(() => document.querySelector('.cell.running')?.dataset.step === 'step 15/20');
      assert((await page.locator('img.cell.running').count()) === 0, 'the finished cell is not marked');
      const at15 = JSON.stringify([null, null, null, ['3', 'step 15/20', '0.75']]);
      assert(JSON.stringify(await marks()) === at15, `marks at step 15: ${JSON.stringify(await marks())}`);
      await post(page, { type: 'progress', running: false, text: '2 cells ran, 0 cached: /out' });
      await page.waitForFunction(() => document.querySelectorAll('.cell.running').length === 0, null, {
        timeout: 5_000,
      });
      assert((await page.locator('[aria-busy="true"]').count()) === 0, 'no cell busy after the run');
      assert(errors.length === 0, errors.join('\n'));
      await page.close();
    },
  },
  {
    name: 'a click opens a finished cell; shift-click on two cells shows their difference',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'sweep', { csp: true });
      await post(page, { type: 'sweep', view, findings: [] });
      await sendCell(page, 0, png(100));
      await sendCell(page, 1, png(110));
      await page.locator('img.cell').nth(1).waitFor({ timeout: 5_000 });
      await page.locator('.cell').nth(2).click();
      await page.locator('img.cell').nth(1).click();
      const opened = (await posted(page)).filter((m) => m.type === 'open');
      assert(
        JSON.stringify(opened) === JSON.stringify([{ type: 'open', index: 1 }]),
        `opened ${JSON.stringify(opened)}`,
      );
      await page
        .locator('img.cell')
        .nth(0)
        .click({ modifiers: ['Shift'] });
      await page
        .locator('img.cell')
        .nth(1)
        .click({ modifiers: ['Shift'] });
      await page
        .getByText('A: cell 0 (sampler = Euler); B: cell 1 (sampler = DDIM). RMS difference 10.00, largest 10')
        .waitFor({ timeout: 5_000 });
      const diffPixel = await page.evaluate(() => [
        ...document.querySelectorAll('.diff canvas')[2].getContext('2d').getImageData(0, 0, 1, 1).data,
      ]);
      assert(JSON.stringify(diffPixel) === JSON.stringify([40, 40, 40, 255]), `diff pixel ${diffPixel}`);
      await compareLatents(page);
      assert(errors.length === 0, errors.join('\n'));
      await page.close();
    },
  },
];

/** The picked cells 0 and 1: asks the host for their trajectories, then charts what it sends. */
async function compareLatents(page) {
  await page.getByRole('button', { name: 'Compare latents step by step' }).click();
  const asked = (await posted(page)).filter((m) => m.type === 'trajectory');
  assert(JSON.stringify(asked) === JSON.stringify([{ type: 'trajectory', cells: [0, 1] }]), JSON.stringify(asked));
  const comparison = {
    steps: [4, 4],
    sigmas: [
      [10, 4, 1, 0.1],
      [10, 3, 0.5, 0.05],
    ],
    pairs: [0, 0.5, 3, 4].map((distance, i) => ({ stepA: i, stepB: i, distance })),
  };
  await recordCanvasText(page, '.trajectory-chart');
  await post(page, { type: 'trajectory', cells: [0, 1], comparison });
  await page.getByText('The distance first reaches half its largest at step 3.').waitFor({ timeout: 5_000 });
  // The step axis (ticks under the plot, centred, upright) on whole steps only, nothing cut off or overlapping.
  const drawn = await canvasText(page);
  const stepTicks = drawn
    .filter((d) => d.align === 'center' && d.upright && /^[\d.]+$/.test(d.text))
    .map((d) => d.text);
  assert(stepTicks.join() === '1,2,3,4', `whole steps on the step axis: ${stepTicks}`);
  const problems = textProblems(drawn);
  assert(problems.length === 0, problems.join('; '));
  // With the cursor off the plot the legend reads the last step, not dashes.
  const readouts = await page.locator('.trajectory-chart .u-legend .u-value').allTextContents();
  assert(JSON.stringify(readouts) === JSON.stringify(['4', '4', '0.1', '0.05']), `legend ${readouts}`);
  const legend = await page.locator('.trajectory-chart .u-legend th').allTextContents();
  for (const label of ['x̂0 distance A–B', 'σ, A', 'σ, B'])
    assert(
      legend.some((l) => l.includes(label)),
      `legend ${JSON.stringify(legend)} lacks ${label}`,
    );
  await post(page, { type: 'trajectory', cells: [0, 1], error: 'Cell 1 has not run yet: run the sweep first.' });
  await page.getByText('The latents could not be compared: Cell 1 has not run yet').waitFor({ timeout: 5_000 });
}
