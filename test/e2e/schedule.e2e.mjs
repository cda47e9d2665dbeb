// The schedule inspector in a real VS Code: open a model's scheduler_config.json, open the preview
// beside it, see the plots; type an invalid value and see the diagnostic in the Problems panel and
// the error in the preview; undo and see the plots come back.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assert, findWebviewFrame, REPO, runCommand, screenshot, test } from './harness.mjs';

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'scheduler_config.json' }).first().waitFor({ timeout: 30_000 });
  await input.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: 'EulerDiscreteScheduler' }).first().waitFor({ timeout: 30_000 });
}

/** Selects line `line` (1-based) of the active editor and types `text` in its place. */
async function retypeLine(page, line, text) {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

test('schedule preview shows the plots, then the diagnostic and inline error for an invalid value', async ({ page, server }) => {
  const folder = join(server.workspace, 'sdxl', 'scheduler');
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO, 'test/fixtures/schedules/sdxl/scheduler_config.json'), join(folder, 'scheduler_config.json'));
  await openFile(page, 'sdxl/scheduler/scheduler_config.json');

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
    .waitForFunction(() => /Broken JSON: InvalidSymbol at line 4/.test(document.querySelector('.status')?.textContent ?? ''), null, { timeout: 30_000 })
    .catch(async () => assert(false, `preview status: ${await frame.textContent('.status')}`));
  assert(await frame.$eval('.status', (s) => s.classList.contains('error')), 'shown as an error');
  assert(await frame.$eval('.grid', (g) => g.classList.contains('stale')), 'the last plots stay, dimmed');
  const finding = await frame.textContent('.findings li');
  assert(/InvalidSymbol/.test(finding), `preview findings: ${finding}`);

  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'InvalidSymbol at line 4' }).first();
  await problem.waitFor({ timeout: 30_000 });
  assert(/Diffusion Lab/.test(await problem.textContent()), 'the diagnostic names its source');
  await screenshot(page, 'schedule-invalid');

  // Undo restores the value; the preview redraws without the error.
  await page.locator('.monaco-editor .view-lines').first().click();
  const fresh = () => frame.evaluate(() => !document.querySelector('.grid').classList.contains('stale') && document.querySelector('.status').hidden);
  for (let i = 0; i < 10 && !(await fresh()); i++) {
    await page.keyboard.press('Control+Z');
    await page.waitForTimeout(500);
  }
  assert(await fresh(), 'after undo the preview shows fresh plots and no error');
});
