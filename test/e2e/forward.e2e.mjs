// The forward-process view in a real VS Code: right-click a PNG in the explorer, run "Show the
// Forward Process on an Image", see x_t under at least three schedules, move the slider and see them
// change, export the strip through the save dialog (never over an existing file). Then from the
// schedule preview's "Show on an image…", following the document as it is edited.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import {
  answerFileDialog,
  assert,
  errorNotification,
  findWebviewFrame,
  goToLine,
  openFile,
  pollUntil,
  quickInput,
  REPO,
  runCommand,
  screenshot,
  test,
  waitForNotification,
} from './harness.mjs';

const SIZE = 96;

/** A red disc on a blue-to-green gradient, as a PNG file. */
function writeCard(path) {
  const data = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const disc = (x - 30) ** 2 + (y - 30) ** 2 < 400;
      data.set(disc ? [220, 30, 30] : [0, (x * 255) / SIZE, 255 - (y * 255) / SIZE], (y * SIZE + x) * 3);
    }
  }
  writeFileSync(path, encode({ width: SIZE, height: SIZE, data, channels: 3 }));
}

/** Pixel digests of every schedule's canvas. */
function digests(frame) {
  return frame.$$eval('canvas[data-column]', (els) =>
    els.map((c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += data[i] * 3 + data[i + 1] * 5 + data[i + 2] * 7;
      return { column: c.dataset.column, sum };
    }),
  );
}

async function drawnAt(frame, t) {
  await frame.waitForFunction((k) => document.body.dataset.renderedT?.startsWith(`${k}:`), t, { timeout: 30_000 });
}

async function moveSlider(frame, t) {
  await frame.$eval(
    'input[type=range]',
    (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input'));
    },
    t,
  );
  await drawnAt(frame, t);
}

test('forward view from a PNG in the explorer: three or more schedules, the slider changes them, strip export', async ({
  page,
  server,
}) => {
  // A name of its own, so a second attempt does not find the first one's exports.
  const stem = `card${Date.now() % 1_000_000}`;
  writeCard(join(server.workspace, `${stem}.png`));
  await runCommand(page, 'View: Show Explorer');
  // The file was written behind the explorer's back: refresh rather than wait for its watcher, and again
  // while it is missing (a refresh in the window's first seconds, while the explorer loads, can be lost).
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: `${stem}.png` }).first();
  await pollUntil(
    async () => {
      await page.locator('[aria-label="Refresh Explorer"]').first().dispatchEvent('click');
      return row.waitFor({ timeout: 3_000 }).then(
        () => true,
        () => false,
      );
    },
    `${stem}.png in the explorer`,
    30_000,
  );
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Show the Forward Process on an Image' }).first();
  // The explorer may still be settling when the row first shows; a menu opened then can close again.
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    if (
      await item.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      )
    )
      break;
    assert(attempt < 3, 'the explorer context menu has no "Show the Forward Process on an Image"');
    await page.keyboard.press('Escape');
  }
  // A click while the menu is still settling can be lost (the item stays highlighted, the menu open).
  for (let attempt = 1; await item.isVisible(); attempt++) {
    assert(attempt <= 3, 'the context menu item does not respond');
    await item.click().catch(() => undefined);
    await item.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
  }

  const frame = await Promise.race([
    findWebviewFrame(page, 'canvas[data-column]', 60_000),
    errorNotification(page, 60_000),
  ]);
  await frame.waitForFunction(() => document.body.dataset.renderedT !== undefined, null, { timeout: 30_000 });
  await moveSlider(frame, 200);
  const early = await digests(frame);
  assert(early.length >= 3, `${early.length} schedules shown`);
  assert(
    new Set(early.map((d) => d.sum)).size === early.length,
    `each schedule draws its own x_t: ${JSON.stringify(early)}`,
  );
  await moveSlider(frame, 800);
  const late = await digests(frame);
  for (let i = 0; i < early.length; i++) assert(early[i].sum !== late[i].sum, `${early[i].column} changed with t`);
  const readout = await frame.textContent('.readout');
  assert(/^t = 800 · ᾱ .+ · σ .+ · SNR .+$/.test(readout), `readout: ${readout}`);
  await screenshot(page, 'forward-view');

  // Export twice under the proposed name; the second time the dialog asks whether to replace the
  // file and is told yes, and the strip is still saved beside the first, never over it.
  const strip = `${stem}-forward-t800-seed0`;
  await frame.click('text=Export PNG strip');
  await answerFileDialog(page);
  await waitForNotification(page, `Saved ${strip}.png`, 30_000);
  await frame.click('text=Export PNG strip');
  const input = quickInput(page);
  const replace = page.locator('.quick-input-widget', { hasText: 'already exists' });
  // As answerFileDialog: the dialog lists its folder, then writes the proposed name; Enter before
  // that is lost, so press it until the dialog asks whether to replace.
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
  for (let attempt = 1; !(await replace.isVisible()); attempt++) {
    assert(attempt <= 5, `the save dialog did not ask to replace; it holds ${await input.inputValue()}`);
    if ((await input.inputValue()).endsWith(`${strip}.png`)) await input.press('Enter');
    await replace.waitFor({ timeout: 3_000 }).catch(() => undefined);
  }
  await input.press('Enter');
  await waitForNotification(page, `Saved ${strip}-2.png`, 30_000);
  const strips = readdirSync(server.workspace)
    .filter((f) => f.startsWith(strip))
    .sort();
  assert(JSON.stringify(strips) === JSON.stringify([`${strip}-2.png`, `${strip}.png`]), `strips: ${strips}`);
  const png = readFileSync(join(server.workspace, strips[1]));
  assert(png.subarray(1, 4).toString() === 'PNG', 'the strip is a PNG');
});

test('forward view from the schedule preview follows the schedule document as it is edited', async ({
  page,
  server,
}) => {
  const folder = join(server.workspace, 'sdxl', 'scheduler');
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO, 'test/fixtures/schedules/sdxl/scheduler_config.json'), join(folder, 'scheduler_config.json'));
  const image = join(server.workspace, 'card.png');
  if (!existsSync(image)) writeCard(image);
  // The window restores what an earlier test left open (a forward view among it); start from none.
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'sdxl/scheduler/scheduler_config.json', 'EulerDiscreteScheduler');
  await runCommand(page, 'Diffusion: Open Schedule Preview to the Side');
  const preview = await findWebviewFrame(page, '[data-plot="sigma"] canvas', 60_000);
  await preview.click('text=Show on an image…');
  await answerFileDialog(page, image);

  const frame = await findWebviewFrame(page, 'canvas[data-column="sdxl"]', 60_000);
  await moveSlider(frame, 999);
  // SDXL's shipped schedule at T − 1 (FACTS.md): σ = 14.61.
  await frame.waitForFunction(() => / σ 14\.61 /.test(document.querySelector('.readout')?.textContent ?? ''), null, {
    timeout: 30_000,
  });
  const before = await digests(frame);

  // Line 4 of the SDXL config is "beta_end": 0.012; a larger β_end leaves less of the image at T − 1.
  await goToLine(page, 4);
  // From the line's end, replace the number only: typed quotes would be auto-closed by the editor.
  await page.keyboard.press('End');
  for (let i = 0; i < '0.012,'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('0.02,');
  await frame.waitForFunction(
    () => Number(/ σ ([\d.]+) /.exec(document.querySelector('.readout')?.textContent ?? '')?.[1]) > 14.7,
    null,
    { timeout: 30_000 },
  );
  const after = await digests(frame);
  assert(before[0].sum !== after[0].sum, 'the picture follows the edit');
  await screenshot(page, 'forward-view-following');
});
