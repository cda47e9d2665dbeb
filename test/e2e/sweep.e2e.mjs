// A sweep in a real VS Code: a 2×2 sweep file (sampler × seed) on the shipped default model opened as the
// Sweep Grid, run from the grid while its cells fill in, the cells' PNGs (with their metadata), the
// index and the labelled grid in the output folder; two cells diffed, pixels and latent trajectories;
// a cell clicked into the workbench; a re-run that finds every cell cached and runs none.
import { decode } from 'fast-png';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assert,
  findWebviewFrame,
  holdEngines,
  imagesLoaded,
  openFile,
  REPO,
  runCommand,
  screenshot,
  test,
} from './harness.mjs';

const MODEL = join(REPO, 'models/tiny-shapes');
const STEPS = 12;
const SAMPLERS = ['Euler', 'DDIM'];
const SEEDS = [7, 8];
/** The grid's status line (the page's loading line also has role="status"). */
const STATUS = '.toolbar [role="status"]';

/** The grid's status line once it reads `pattern`. */
async function statusMatching(frame, pattern, timeout = 120_000) {
  await frame.waitForFunction(
    ({ pattern, status }) => new RegExp(pattern).test(document.querySelector(status)?.textContent ?? ''),
    { pattern: pattern.source, status: STATUS },
    { timeout },
  );
  return frame.textContent(STATUS);
}

test(
  'a 2×2 sweep runs from its grid, fills in, diffs two cells, and a re-run finds every cell cached',
  async ({ page, server }) => {
    const sweep = {
      version: 1,
      description: 'Euler against DDIM on two seeds',
      base: { modelDir: MODEL, prompt: 'a red circle on a blue background', seed: 7, steps: STEPS, guidanceScale: 3 },
      x: { field: 'sampler', values: SAMPLERS },
      y: { field: 'seed', values: SEEDS },
    };
    // A new name on each attempt: a retry's window would restore the first attempt's grid of the file.
    const name = `samplers-${Date.now() % 1e6}`;
    writeFileSync(join(server.workspace, `${name}.sweep.json`), JSON.stringify(sweep, null, 2));
    await openFile(page, `${name}.sweep.json`, 'Euler against DDIM');
    await runCommand(page, 'View: Reopen Editor With...');
    const choice = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Sweep Grid' }).first();
    await choice.waitFor({ timeout: 30_000 });
    await choice.click();
    const grid = await findWebviewFrame(page, '.grid div.cell[data-index]', 60_000);
    const labels = await grid.locator('.label').allTextContents();
    assert(JSON.stringify(labels) === JSON.stringify([...SAMPLERS, ...SEEDS.map(String)]), `labels ${labels}`);

    // Run from the grid. While its cells run the engine is held still for a picture of the grid filling in:
    // the running cells marked with their step. Then the count of shown images only grows, to 4.
    await grid.locator('button', { hasText: 'Run sweep' }).click();
    await grid.waitForFunction(() => document.querySelector('.cell.running'), null, {
      polling: 'raf',
      timeout: 180_000,
    });
    const pictured = await holdEngines(server, async () => {
      const marked = await grid.locator('.cell.running').count();
      if (marked > 0) await screenshot(page, 'sweep-filling');
      return marked;
    });
    console.log(`  cells marked running while the engine was held: ${pictured}`);
    const counts = [];
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const status = (await grid.textContent(STATUS)) ?? '';
      assert(!/^(Failed|Cancelled)/.test(status), `the sweep stopped: ${status}`);
      const shown = await grid.locator('img.cell').count();
      if (counts[counts.length - 1] !== shown) counts.push(shown);
      if (shown === 4) break;
      await page.waitForTimeout(100);
    }
    console.log(`  images shown as the sweep ran: ${counts.join(' → ')}`);
    assert(counts[counts.length - 1] === 4, `cells shown: ${counts}`);
    assert(
      counts.every((c, i) => i === 0 || c > counts[i - 1]),
      `cells shown: ${counts}`,
    );
    const done = await statusMatching(grid, /4 cells ran, 0 cached/);
    await screenshot(page, 'sweep-grid');

    // The output folder: a PNG per cell with its parameters, the index, and the grid with the sweep.
    const out = join(server.workspace, 'diffusion-outputs', 'sweeps', name);
    assert(done.includes(join('sweeps', name)), `status names the folder: ${done}`);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    assert(index.cells.length === 4 && index.cellCount === 4, `index cells ${index.cells.length}`);
    for (const cell of index.cells) {
      const png = decode(readFileSync(join(out, cell.file)));
      const seed = SEEDS[Math.floor(cell.index / 2)];
      const parameters = png.text.parameters ?? '';
      assert(parameters.includes(`Seed: ${seed}`), `cell ${cell.index} parameters: ${parameters}`);
      assert(parameters.includes(`Steps: ${STEPS}`), `cell ${cell.index} parameters: ${parameters}`);
      assert(cell.spec.seed === seed, `cell ${cell.index} spec seed ${cell.spec.seed}`);
    }
    const gridPng = decode(readFileSync(join(out, 'grid.png')));
    const gridText = JSON.parse(gridPng.text['diffusion-lab-sweep']);
    assert(gridText.sweepHash === index.sweepHash, 'the grid names the sweep of the index');
    assert(gridPng.width > 2 * 64 && gridPng.height > 2 * 64, `grid ${gridPng.width}×${gridPng.height}`);
    const mtimes = index.cells.map((c) => statSync(join(out, c.file)).mtimeMs);

    // Two cells compared: the seed-7 cells of both samplers.
    await grid
      .locator('img.cell')
      .nth(0)
      .click({ modifiers: ['Shift'] });
    await grid
      .locator('img.cell')
      .nth(1)
      .click({ modifiers: ['Shift'] });
    await grid
      .getByText(/^A: cell 0 \(sampler = .+\); B: cell 1 \(sampler = .+\)\. RMS difference/)
      .waitFor({ timeout: 30_000 });
    await grid.getByRole('button', { name: 'Compare latents step by step' }).click();
    await grid.locator('.trajectory-chart canvas').waitFor({ timeout: 120_000 });
    const caption = await grid.locator('.trajectory p').textContent();
    assert(/L2 distance between A's and B's denoised latents/.test(caption), `caption: ${caption}`);
    await grid.locator('.trajectory-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'sweep-diff');

    // A click opens the cell in the workbench with its parameters restored, and runs it there again: its
    // steps on view.
    await grid.locator('img.cell').nth(3).click();
    const panel = await findWebviewFrame(page, '#param-seed input', 60_000);
    const cellDone = new RegExp(`^done · .* · seed ${SEEDS[1]} ·`);
    await panel.locator('.status', { hasText: cellDone }).waitFor({ timeout: 60_000 });
    const seed = await panel.locator('#param-seed input').inputValue();
    assert(seed === String(SEEDS[1]), `workbench seed ${seed}`);
    assert(await panel.locator('.step-viewer').isVisible(), "the cell's steps on view");
    // The same seed gives the same image: the run again has the cell's pixels.
    const status = await panel.locator('.status').textContent();
    const saved = /saved as (\S+\.png)/.exec(status)?.[1];
    const outputs = join(server.workspace, 'diffusion-outputs');
    const again = readdirSync(outputs, { recursive: true }).find((f) => f.endsWith(saved ?? '?'));
    assert(again, `the run's PNG in ${outputs}: ${status}`);
    const cell = index.cells.find((c) => c.index === 3);
    const pixels = (file) => Buffer.from(decode(readFileSync(file)).data);
    assert(pixels(join(outputs, again)).equals(pixels(join(out, cell.file))), 'the run again has the cell pixels');
    await screenshot(page, 'sweep-cell-in-workbench');

    // Back on the grid, a re-run finds every cell in the folder: none runs, no file is rewritten.
    await page
      .locator('.tab', { hasText: `${name}.sweep.json` })
      .first()
      .click();
    const shown = await findWebviewFrame(page, 'img.cell[data-index]', 30_000);
    await shown.locator('button', { hasText: 'Run sweep' }).click();
    await statusMatching(shown, /0 cells ran, 4 cached/, 60_000);
    // The cells found in the folder show as images, not as broken ones.
    await imagesLoaded(shown, 'img.cell', 4, 10_000);
    await screenshot(page, 'sweep-rerun-cached');
    const after = index.cells.map((c) => statSync(join(out, c.file)).mtimeMs);
    assert(JSON.stringify(after) === JSON.stringify(mtimes), 'the cached cells were not written again');
  },
  { timeoutMs: 420_000 },
);

test(
  "Open Sweep Grid to the Side shows a sweep file's grid beside its text, which stays open",
  async ({ page, server }) => {
    const sweep = {
      version: 1,
      base: { modelDir: MODEL, prompt: 'a blue square', seed: 1, steps: 2 },
      x: { field: 'guidanceScale', values: [2, 4, 6] },
    };
    const name = `guidance-${Date.now() % 1e6}`;
    writeFileSync(join(server.workspace, `${name}.sweep.json`), JSON.stringify(sweep, null, 2));
    await openFile(page, `${name}.sweep.json`, 'guidanceScale');
    await runCommand(page, 'Diffusion: Open Sweep Grid to the Side');
    const grid = await findWebviewFrame(page, '.grid div.cell[data-index]', 60_000);
    const labels = await grid.locator('.label').allTextContents();
    assert(JSON.stringify(labels) === JSON.stringify(['2', '4', '6']), `labels ${labels}`);
    await page.locator('.editor-group-container').nth(1).waitFor({ timeout: 10_000 });
    const text = page.locator('.editor-group-container').first().locator('.view-lines');
    assert(/guidanceScale/.test((await text.textContent()) ?? ''), 'the sweep text still open on the left');
    await screenshot(page, 'sweep-grid-beside');
  },
  { timeoutMs: 120_000 },
);
