// The schedule inspector in a real VS Code: open a model's scheduler_config.json, open the preview
// beside it, see the plots; type an invalid value and see the diagnostic in the Problems panel and
// the error in the preview; undo and see the plots come back. Then hovers, a quick fix, the preview
// following the active editor, and the custom editor through Open With; the preview and its overlays
// after a window reload.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerFileDialog,
  assert,
  findWebviewFrame,
  goToLine,
  openFile,
  reloadWindow,
  REPO,
  runCommand,
  screenshot,
  test,
  waitForNotification,
} from './harness.mjs';

/** Selects line `line` (1-based) of the active editor and types `text` in its place. */
async function retypeLine(page, line, text) {
  await goToLine(page, line);
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

test('schedule preview shows the plots, then the diagnostic and inline error for an invalid value', async ({
  page,
  server,
}) => {
  const folder = join(server.workspace, 'sdxl', 'scheduler');
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO, 'test/fixtures/schedules/sdxl/scheduler_config.json'), join(folder, 'scheduler_config.json'));
  await openFile(page, 'sdxl/scheduler/scheduler_config.json', 'EulerDiscreteScheduler');

  const started = Date.now();
  await runCommand(page, 'Diffusion: Open Schedule Preview to the Side');
  const frame = await findWebviewFrame(page, '[data-plot="logSnrGap"] canvas', 60_000);
  console.log(`  command to plots: ${Date.now() - started} ms`);
  const plots = await frame.$$eval('[data-plot]', (els) => els.map((e) => e.dataset.plot));
  assert(plots.length === 7, `plots: ${plots}`);
  const facts = await frame.textContent('.facts');
  assert(/terminal SNR 0\.004[67]/.test(facts), `facts: ${facts}`);
  assert(/to 14\.61/.test(facts), `facts: ${facts}`);
  await screenshot(page, 'schedule-preview');

  // Line 4 of the SDXL config is "beta_end": 0.012 — NaN is not JSON.
  await retypeLine(page, 4, '"beta_end": NaN,');
  // Intermediate keystrokes are broken JSON too; wait for the state of the finished line.
  await frame
    .waitForFunction(
      () =>
        /Broken JSON: Unexpected text at line 4 near "NaN"/.test(document.querySelector('.status')?.textContent ?? ''),
      null,
      { timeout: 30_000 },
    )
    .catch(async () => assert(false, `preview status: ${await frame.textContent('.status')}`));
  assert(await frame.$eval('.status', (s) => s.classList.contains('error')), 'shown as an error');
  assert(await frame.$eval('.grid', (g) => g.classList.contains('stale')), 'the last plots stay, dimmed');
  const finding = await frame.textContent('.findings li');
  assert(/Unexpected text at line 4/.test(finding), `preview findings: ${finding}`);

  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Unexpected text at line 4' }).first();
  await problem.waitFor({ timeout: 30_000 });
  assert(/Diffusion Lab/.test(await problem.textContent()), 'the diagnostic names its source');
  await screenshot(page, 'schedule-invalid');

  // Undo restores the value; the preview redraws without the error.
  await page
    .locator('.monaco-editor .view-lines')
    .first()
    .click({ position: { x: 40, y: 10 } });
  const fresh = () =>
    frame.evaluate(
      () => !document.querySelector('.grid').classList.contains('stale') && document.querySelector('.status').hidden,
    );
  for (let i = 0; i < 10 && !(await fresh()); i++) {
    await page.keyboard.press('Control+Z');
    await page.waitForTimeout(500);
  }
  assert(await fresh(), 'after undo the preview shows fresh plots and no error');
});

/** Frames (webviews) currently showing inspector plots. */
async function inspectorFrames(page) {
  const frames = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    try {
      if (await frame.$('[data-plot="sigma"]')) frames.push(frame);
    } catch {
      // navigated away while we looked
    }
  }
  return frames;
}

test('hover facts, a quick fix, the preview following the editor, and Open With', async ({ page, server }) => {
  const folder = join(server.workspace, 'sd21', 'scheduler');
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO, 'test/fixtures/schedules/sd21/scheduler_config.json'), join(folder, 'scheduler_config.json'));
  cpSync(
    join(REPO, 'test/fixtures/schedules/comparison.schedule.json'),
    join(server.workspace, 'comparison.schedule.json'),
  );
  await openFile(page, 'sd21/scheduler/scheduler_config.json', 'DDIMScheduler');

  // Hover over a key: the schedule's facts and where the value came from.
  await page.locator('.monaco-editor .view-lines span', { hasText: 'prediction_type' }).first().hover();
  const hover = page.locator('.monaco-hover', { hasText: 'terminal SNR' }).first();
  await hover.waitFor({ timeout: 30_000 });
  const hoverText = await hover.textContent();
  assert(/terminal SNR 0\.004682/.test(hoverText), `hover: ${hoverText}`);
  assert(
    /prediction_type = "v_prediction" — set in this file/.test(hoverText.replace(/`/g, '')),
    `hover: ${hoverText}`,
  );
  await page.keyboard.press('Escape');

  await runCommand(page, 'Diffusion: Open Schedule Preview to the Side');
  const frame = await findWebviewFrame(page, '.findings li', 60_000);
  await frame.waitForFunction(
    () => /Terminal SNR is 0\.00468/.test(document.querySelector('.findings')?.textContent ?? ''),
    null,
    { timeout: 30_000 },
  );

  // Quick fix on the terminal-SNR warning (anchored at _class_name: SD 2.1 leaves spacing to the default).
  await page.locator('.monaco-editor .view-lines span', { hasText: 'DDIMScheduler' }).first().click();
  const fix = page
    .locator('.action-widget .monaco-list-row', { hasText: 'Use trailing spacing and rescale_betas_zero_snr' })
    .first();
  // Ctrl+. offers the code actions known when it is pressed, and the editor's diagnostics may still be
  // on their way: ask again until the fix is offered.
  for (const deadline = Date.now() + 30_000; ;) {
    await page.keyboard.press('Control+.');
    try {
      await fix.waitFor({ timeout: 3_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await fix.click();
  await page
    .locator('.monaco-editor .view-lines', { hasText: '"rescale_betas_zero_snr": true' })
    .first()
    .waitFor({ timeout: 30_000 });
  await frame.waitForFunction(
    () => !/Terminal SNR is/.test(document.querySelector('.findings')?.textContent ?? ''),
    null,
    { timeout: 30_000 },
  );
  const facts = await frame.textContent('.facts');
  assert(/terminal SNR 0 /.test(facts), `zero terminal SNR after the fix: ${facts}`);
  await screenshot(page, 'schedule-quick-fix');

  // The preview follows the active editor to another schedule document.
  await openFile(page, 'comparison.schedule.json', 'sd15 euler');
  await frame.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-plot="sigma"] .u-legend .u-label')].some(
        (e) => e.textContent === 'hand-picked steps',
      ),
    null,
    { timeout: 30_000 },
  );

  // Open With… → Schedule Inspector: a second inspector, as a custom editor.
  await runCommand(page, 'View: Reopen Editor With...');
  const choice = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Schedule Inspector' }).first();
  await choice.waitFor({ timeout: 30_000 });
  await choice.click();
  const deadline = Date.now() + 60_000;
  while ((await inspectorFrames(page)).length < 2 && Date.now() < deadline) await page.waitForTimeout(500);
  assert((await inspectorFrames(page)).length >= 2, 'the custom editor shows the inspector next to the preview');
  await screenshot(page, 'schedule-custom-editor');
});

test('"Generate with this schedule" opens the workbench on the schedule, explicit timesteps included, and a run completes', async ({
  page,
  server,
}) => {
  const schedule = {
    schedules: {
      'five steps': { config: { _class_name: 'EulerDiscreteScheduler' }, timesteps: [999, 750, 500, 250, 1] },
    },
  };
  writeFileSync(join(server.workspace, 'five.schedule.json'), JSON.stringify(schedule, null, 2));
  await openFile(page, 'five.schedule.json', 'five steps');
  await runCommand(page, 'Diffusion: Open Schedule Preview to the Side');
  const frame = await findWebviewFrame(page, '[data-plot="sigma"] canvas', 60_000);
  await frame.locator('button', { hasText: 'Generate with this schedule' }).click();
  // The workbench shows the schedule as a chip in place of the sampler, with its five steps fixed.
  const panel = await findWebviewFrame(page, '.schedule-chip:not([hidden])', 60_000);
  await panel.locator('.schedule-chip', { hasText: 'Schedule: five steps' }).waitFor({ timeout: 30_000 });
  assert(!(await panel.locator('#param-sampler').isVisible()), 'the sampler picker gives way to the schedule');
  assert((await panel.locator('#param-steps input').inputValue()) === '5', "steps are the schedule's count");
  await panel.locator('#param-prompt textarea').fill('a schedule test');
  await page.keyboard.press('Control+Enter');
  await panel.locator('.step-viewer[data-step="4"]').waitFor({ timeout: 120_000 });
  const status = panel.locator('.status', { hasText: 'schedule five steps' });
  await status.filter({ hasText: /^done/ }).waitFor({ timeout: 60_000 });
  assert(/EulerDiscreteScheduler · 5 steps/.test(await status.textContent()), `status: ${await status.textContent()}`);
  await screenshot(page, 'schedule-generate');
  // Dropping the schedule returns to the form's sampler.
  await panel.locator('.schedule-chip vscode-button').click();
  await panel.locator('#param-sampler').waitFor({ state: 'visible', timeout: 30_000 });
});

test('export CSV and PNG, and overlay a second file, through the host dialogs', async ({ page, server }) => {
  const folder = join(server.workspace, 'base', 'scheduler');
  // A fresh folder: an earlier attempt's exports would turn the save into an overwrite question.
  rmSync(join(server.workspace, 'base'), { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO, 'test/fixtures/schedules/sdxl/scheduler_config.json'), join(folder, 'scheduler_config.json'));
  cpSync(
    join(REPO, 'test/fixtures/schedules/sdturbo/scheduler_config.json'),
    join(server.workspace, 'turbo.scheduler.json'),
  );
  // Start from a clean window: earlier tests' editors and inspectors are restored otherwise.
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'base/scheduler/scheduler_config.json', 'EulerDiscreteScheduler');
  await runCommand(page, 'Diffusion: Open Schedule Preview to the Side');
  const frame = await findWebviewFrame(page, '[data-plot="sigma"] canvas', 60_000);
  // The preview keeps its overlays in workspace state, and lists them before it plots: drop any an
  // earlier attempt left.
  const chips = frame.locator('.chip');
  for (let left = await chips.count(); left > 0; left = await chips.count()) {
    await chips.locator('button').first().click();
    await frame.waitForFunction((n) => document.querySelectorAll('.chip').length < n, left, { timeout: 30_000 });
  }

  // Export: the save dialog proposes <schedule>-schedule.csv next to the document.
  await frame.locator('button', { hasText: 'CSV' }).click();
  const csvPath = await answerFileDialog(page);
  assert(csvPath === join(folder, 'base-schedule.csv'), `proposed ${csvPath}`);
  // The host reports "Saved" once the whole file is written.
  await waitForNotification(page, 'Saved base/scheduler/base-schedule.csv', 30_000);
  const csv = readFileSync(csvPath, 'utf8').split('\n');
  assert(csv[0] === 'plot,series,x,y', `CSV header ${csv[0]}`);
  const sigmaRows = csv.filter((l) => l.startsWith('σ_t'));
  assert(
    sigmaRows.length === 1000 && sigmaRows[999].startsWith('σ_t = √((1−ᾱ)/ᾱ),base,999,'),
    `σ_t rows: ${sigmaRows.length}, last ${sigmaRows.at(-1)}`,
  );

  // PNG bytes cross from the webview as a Uint8Array.
  await frame.locator('button', { hasText: 'PNG' }).click();
  const pngPath = await answerFileDialog(page);
  assert(pngPath === join(folder, 'base-schedule.png'), `proposed ${pngPath}`);
  await waitForNotification(page, 'Saved base/scheduler/base-schedule.png', 30_000);
  const png = readFileSync(pngPath);
  assert(png.subarray(1, 4).toString('latin1') === 'PNG' && png.length > 10_000, `PNG of ${png.length} bytes`);

  // Overlay: pick another config (any JSON file name is read as a scheduler config).
  await frame.locator('button', { hasText: 'Add file…' }).click();
  await answerFileDialog(page, join(server.workspace, 'turbo.scheduler.json'));
  await frame.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-plot="timesteps"] .u-legend .u-label')].some(
        (e) => e.textContent === 'turbo.scheduler.json',
      ),
    null,
    { timeout: 30_000 },
  );
  assert(
    (await frame.textContent('.chip')).includes('turbo.scheduler.json'),
    'the overlay is listed with a remove button',
  );

  // Close the text editor so no schedule is on screen, then reload: the preview comes back on the
  // document it showed, with its overlay.
  await runCommand(page, 'View: Focus First Editor Group');
  await runCommand(page, 'View: Close Editor');
  await page.locator('.tab', { hasText: 'scheduler_config.json' }).waitFor({ state: 'detached', timeout: 30_000 });
  await reloadWindow(page);
  await page.locator('.tab', { hasText: 'Schedule: base' }).waitFor({ timeout: 30_000 });
  // Earlier tests' previews and editors come back too: look for the one that lists an overlay.
  const revived = await findWebviewFrame(page, '.chip', 60_000);
  await revived.waitForFunction(
    () => (document.querySelector('.chip')?.textContent ?? '').includes('turbo.scheduler.json'),
    null,
    { timeout: 30_000 },
  );
  await revived.locator('.chip button').click();
  await revived.waitForFunction(() => !document.querySelector('.chip'), null, { timeout: 30_000 });
  await screenshot(page, 'schedule-export-overlay');
});
