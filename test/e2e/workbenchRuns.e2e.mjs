// Runs in the workbench as an A1111 user makes them, in a real VS Code: attention weighting in the
// prompt, a queue of two runs and "Generate forever" until Cancel, a batch of four as a grid whose
// cells enlarge, the statistics chart drawn readable, and the workbench narrow beside the image panel
// with Problems open (a one-row Generate bar, the newest image whole). Workbench runs show their progress in the
// panel and the status bar: no progress notification appears for them (VS Code keeps one open at
// least 800 ms, so a short run's outlived it).
import {
  assert,
  enginePid,
  findWebviewFrame,
  generateAndFindEngine,
  imagesLoaded,
  readExtensionLog,
  recordNotifications,
  runCommand,
  screenshot,
  test,
} from './harness.mjs';
import {
  addTestModel,
  clickBarButton,
  fill,
  generate,
  imagesOf,
  newImages,
  openForm,
  parameters,
  pixels,
  pngs,
  TEST_MODEL,
  uniquePrompt,
} from './workbenchForm.mjs';
import { canvasText, checkStatisticsChart, recordCanvasText } from '../webview/canvasText.mjs';

/** Asserts that no "Diffusion: generating" notification showed while `recorded` watched. */
async function assertNoProgressToast(recorded) {
  const seen = await recorded();
  assert(seen.length === 0, `workbench runs raised progress notifications: ${JSON.stringify(seen)}`);
}

/** The prompt box's token count and unknown words once they describe `prompt`: the line keeps the last
 * answer until the next arrives, so the box goes through the empty prompt ("0/75") first. */
async function tokenCount(panel, prompt) {
  await fill(panel, 'prompt', '');
  await panel.waitForFunction(
    () => document.querySelector('#prompt-feedback .token-count')?.textContent === '0/75',
    undefined,
    { timeout: 30_000 },
  );
  await fill(panel, 'prompt', prompt);
  const count = await panel.waitForFunction(
    () => {
      const text = document.querySelector('#prompt-feedback .token-count')?.textContent ?? '';
      return /^[1-9]\d*\/75$/.test(text) && text;
    },
    undefined,
    { timeout: 30_000 },
  );
  const unknown = await panel.locator('#prompt-feedback .unknown-word').allTextContents();
  return { count: await count.jsonValue(), unknown };
}

/** Generates `prompt` from the form and returns its one saved PNG's name. */
async function generateOne(page, panel, server, prompt) {
  const before = new Set(pngs(server));
  await generate(page, panel);
  await newImages(server, before);
  const [file] = imagesOf(server, before, prompt);
  assert(file, `a PNG whose parameters start with "${prompt}"`);
  return file;
}

test('attention weighting: (word:1.0) is the unweighted image, (word:1.3), (word) and [word] change it; the count skips the syntax', async ({
  page,
  server,
}) => {
  const plain = 'a red circle on a blue background';
  const neutral = 'a (red:1.0) circle on a blue background';
  const weighted = 'a (red:1.3) (circle) on a [blue] background';
  addTestModel(server);
  const panel = await openForm(page, { seed: '911' }, TEST_MODEL);
  // The syntax is no tokens: the weighted prompts count as the plain one, with no word marked unknown.
  const counted = {};
  for (const prompt of [plain, neutral, weighted]) counted[prompt] = await tokenCount(panel, prompt);
  for (const prompt of [neutral, weighted])
    assert(
      counted[prompt].count === counted[plain].count && counted[prompt].unknown.length === 0,
      `"${prompt}" counts ${JSON.stringify(counted[prompt])}, "${plain}" ${JSON.stringify(counted[plain])}`,
    );
  await screenshot(page, 'runs-weighted-prompt');

  const files = {};
  for (const prompt of [plain, neutral, weighted]) {
    await fill(panel, 'prompt', prompt);
    files[prompt] = await generateOne(page, panel, server, prompt);
  }
  // Weight 1 is A1111's no-op (the parsed pieces merge back into the plain prompt): the same pixels.
  // Anything else scales those tokens' embeddings: other pixels, from the same seed.
  assert(pixels(server, files[neutral]).equals(pixels(server, files[plain])), '(red:1.0) gives the plain image');
  assert(!pixels(server, files[weighted]).equals(pixels(server, files[plain])), 'the weights change the image');
  await panel.locator('.status', { hasText: 'saved as' }).waitFor({ timeout: 60_000 });
  await screenshot(page, 'runs-weighted-image');
});

test('the queue: a Generate during a run waits its turn, then both images arrive in order; no progress toasts', async ({
  page,
  server,
}) => {
  const recorded = await recordNotifications(page, 'Diffusion: generating');
  const warmUp = uniquePrompt();
  const panel = await openForm(page, { prompt: warmUp, seed: '1001' });
  await generateOne(page, panel, server, warmUp);
  const pid = await enginePid(server, warmUp, 'workbench');

  const [first, second] = [uniquePrompt(), uniquePrompt()];
  const before = new Set(pngs(server));
  // The tiny model finishes in a blink: hold the engine still so the first run is in flight when the
  // second Generate comes.
  process.kill(pid, 'SIGSTOP');
  try {
    await fill(panel, 'prompt', first);
    await generate(page, panel);
    await panel.locator('#run-select', { hasText: 'running' }).waitFor({ timeout: 30_000 });
    await fill(panel, 'prompt', second);
    await fill(panel, 'seed', '1002');
    await generate(page, panel);
    await panel.locator('.queue', { hasText: '1 run waiting.' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'runs-queue-waiting');
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await newImages(server, before, 2);
  for (const prompt of [first, second])
    assert(imagesOf(server, before, prompt).length === 1, `one image of "${prompt}"`);
  // One run at a time, in order: the second starts only once the first has its image.
  const log = readExtensionLog(server).split('\n');
  const at = (text, from = 0) => log.findIndex((line, i) => i >= from && line.includes(text));
  const firstStart = at(`workbench: "${first}"`);
  const firstDone = at('workbench: 1 image(s) in', firstStart);
  const secondStart = at(`workbench: "${second}"`);
  assert(
    firstStart >= 0 && firstStart < firstDone && firstDone < secondStart,
    `log order: first run ${firstStart}, its image ${firstDone}, second run ${secondStart}`,
  );
  await panel.waitForFunction(() => document.querySelector('.queue').textContent === '', undefined, {
    timeout: 30_000,
  });
  await assertNoProgressToast(recorded);
});

test('Generate forever: images keep coming with seeds moving on, Cancel stops it for good', async ({
  page,
  server,
}) => {
  const recorded = await recordNotifications(page, 'Diffusion: generating');
  const prompt = uniquePrompt();
  const panel = await openForm(page, { prompt, seed: '1100' });
  const before = new Set(pngs(server));
  await clickBarButton(panel, 'Generate forever');
  await panel.locator('.queue', { hasText: 'Generating forever' }).waitFor({ timeout: 30_000 });
  await newImages(server, before, 2);
  await screenshot(page, 'runs-generate-forever');
  await clickBarButton(panel, 'Cancel');
  // Stopped: nothing queued, Cancel off, Generate forever on again.
  await panel.waitForFunction(
    () => {
      const button = (text) =>
        [...document.querySelectorAll('.generate-bar vscode-button')].find((b) => b.textContent === text);
      return (
        document.querySelector('.queue').textContent === '' &&
        button('Cancel').disabled &&
        !button('Generate forever').disabled
      );
    },
    undefined,
    { timeout: 30_000 },
  );
  const made = imagesOf(server, before, prompt);
  const runsLogged = () =>
    readExtensionLog(server)
      .split('\n')
      .filter((l) => l.includes(`workbench: "${prompt}"`)).length;
  const started = runsLogged();
  // Stopping is an absence: give a next run the time several would take, then look again.
  await page.waitForTimeout(3_000);
  assert(imagesOf(server, before, prompt).length === made.length, 'no image after Cancel');
  assert(runsLogged() === started, 'no run started after Cancel');
  const seeds = made.map((f) => Number(/Seed: (\d+)/.exec(parameters(server, f))?.[1])).sort((a, b) => a - b);
  assert(seeds.length >= 2 && seeds.every((s, i) => s === 1100 + i), `seeds continuing from 1100: ${seeds}`);
  await assertNoProgressToast(recorded);
});

test('a batch of four is a 2×2 grid filling the pane; a click enlarges a cell, Escape or a click closes it', async ({
  page,
  server,
}) => {
  // Twelve steps of the model's own scheduler: the grid's screenshot shows four finished images.
  const prompt = 'a large orange triangle in the center on a purple background';
  const panel = await openForm(page, { prompt, steps: '12', seed: '1200', batchSize: '4' });
  const before = new Set(pngs(server));
  await generate(page, panel);
  await newImages(server, before, 4);
  await panel.locator('.status', { hasText: /saved/ }).waitFor({ timeout: 60_000 });
  await imagesLoaded(panel, '.images img', 4);
  const grid = await panel.evaluate(() => {
    const box = (e) => e.getBoundingClientRect().toJSON();
    const run = document.querySelector('.run');
    const style = getComputedStyle(run);
    return {
      cells: [...document.querySelectorAll('.images img')].map(box),
      images: box(document.querySelector('.images')),
      pane: run.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      // The grid's cap (workbench.css): two rows of squares and their actions fit the window's height.
      cap: innerHeight - 160 - 2 * 56,
    };
  });
  const [a, b, c, d] = grid.cells;
  assert(
    a.top === b.top && c.top === d.top && c.top > a.top && a.left === c.left,
    `2×2: ${JSON.stringify(grid.cells)}`,
  );
  const room = Math.min(grid.pane, grid.cap);
  assert(grid.images.width >= 0.95 * room, `the grid fills the pane: ${grid.images.width} of ${room} px`);
  await screenshot(page, 'runs-batch-grid');

  const cells = panel.locator('.images img');
  await cells.nth(1).click();
  const enlarged = panel.locator('dialog.lightbox[open] img');
  await enlarged.waitFor({ timeout: 10_000 });
  const side = (await enlarged.boundingBox()).width;
  assert(side > 1.5 * b.width, `the enlarged image (${side} px) is larger than its cell (${b.width} px)`);
  assert(
    (await enlarged.getAttribute('src')) === (await cells.nth(1).getAttribute('src')),
    'the clicked cell is the one enlarged',
  );
  await screenshot(page, 'runs-batch-enlarged');
  await page.keyboard.press('Escape');
  await panel.locator('dialog.lightbox').waitFor({ state: 'detached', timeout: 10_000 });
  await cells.nth(2).click();
  await enlarged.waitFor({ timeout: 10_000 });
  await enlarged.click();
  await panel.locator('dialog.lightbox').waitFor({ state: 'detached', timeout: 10_000 });
});

test('the statistics chart: labels upright where they should be, no two labels overlapping, all inside', async ({
  page,
  server,
}) => {
  // Earlier specs may leave several editor groups: the chart is checked in a workbench as wide as the window.
  await runCommand(page, 'View: Close All Editors');
  const panel = await openForm(page, { prompt: 'a chart of eight steps', seed: '1300', steps: '8' });
  const before = new Set(pngs(server));
  await generate(page, panel);
  await newImages(server, before);
  await panel.locator('.status', { hasText: 'saved as' }).waitFor({ timeout: 60_000 });
  await panel.locator('.stats-chart canvas').first().waitFor({ timeout: 30_000 });
  // uPlot draws its labels on the canvas: record them as drawn, then make it draw again by moving the
  // step marker.
  await recordCanvasText(panel, '.stats-chart');
  const scrubber = panel.locator('#step-scrubber');
  await scrubber.focus();
  await page.keyboard.press('Home');
  const drawn = await canvasText(panel);
  const { stepTicks, ticks } = checkStatisticsChart(drawn);
  assert(
    stepTicks.length >= 4 && stepTicks.every((t) => /^\d+$/.test(t)),
    `whole steps on the step axis: ${stepTicks}`,
  );
  assert(ticks.length >= 6, `the axes have tick labels: ${ticks.map((d) => d.text)}`);
  await panel.locator('.stats-chart').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'runs-statistics-chart');
});

test('narrow, beside the image panel with Problems open: the Generate bar one row, the newest image whole above it', async ({
  page,
  server,
}) => {
  // A window a little narrower than the others: half its editor area is a narrow column.
  await page.setViewportSize({ width: 1240, height: 900 });
  await runCommand(page, 'View: Close All Editors');
  await generateAndFindEngine(page, server, uniquePrompt());
  await runCommand(page, 'Diffusion: Open Generation Workbench');
  await findWebviewFrame(page, '.params:not([inert])', 60_000);
  // The workbench opened as a tab beside the image panel's: a group of its own, to the right.
  await runCommand(page, 'View: Move Editor into Right Group');
  // Problems from the status bar's count (Ctrl+Shift+M would go to the focused webview); a window
  // restored with Problems open keeps it.
  const problems = page.locator('.markers-panel');
  if (!(await problems.isVisible())) await page.locator('[id="status.problems"] .statusbar-item-label').click();
  await problems.waitFor({ timeout: 30_000 });
  // Moving the editor reloads its webview: the frame found before is gone.
  const panel = await findWebviewFrame(page, '.params:not([inert])', 60_000);
  await panel
    .waitForFunction(() => innerWidth <= 520, undefined, { timeout: 30_000 })
    .catch(async (error) => {
      const width = await panel.evaluate(() => innerWidth);
      throw new Error(`the workbench beside the image panel is ${width} px wide, not narrow`, { cause: error });
    });
  await panel.waitForFunction(
    () => {
      const img = document.querySelector('.images img');
      return img?.complete && img.naturalWidth > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  await panel.evaluate(() => window.scrollTo(0, 0));
  const narrow = await panel.evaluate(() => {
    const box = (e) => e.getBoundingClientRect();
    const buttons = [...document.querySelectorAll('.generate-bar vscode-button')].filter((b) => b.checkVisibility());
    return {
      viewport: { width: innerWidth, height: innerHeight },
      buttons: buttons.map((b) => ({ text: b.textContent, top: box(b).top })),
      bar: box(document.querySelector('.generate-bar')).top,
      image: box(document.querySelector('.images img')).toJSON(),
    };
  });
  const shown = JSON.stringify(narrow);
  assert(narrow.buttons.map((b) => b.text).join() === 'Generate,Cancel,⋯', `the bar's buttons: ${shown}`);
  assert(new Set(narrow.buttons.map((b) => b.top)).size === 1, `the bar is one row: ${shown}`);
  assert(narrow.image.top >= 0 && narrow.image.bottom <= narrow.bar, `the image whole above the bar: ${shown}`);
  await screenshot(page, 'runs-narrow-beside-image-panel');
});
