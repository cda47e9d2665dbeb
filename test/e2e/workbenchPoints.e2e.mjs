// Points of the workbench issue the other specs leave out, in a real VS Code: the contributed
// keyboard shortcuts (generate, open the workbench, cancel), a palette run opened in the workbench
// saying its steps were not captured, the engine's lifetime (the status bar names the loaded model;
// the engine stops after its idle time), the JSON sidecar only behind its setting, the Getting
// Started walkthrough, and SD 1.5's official scheduler config checked without warnings.
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  assert,
  engineProcesses,
  enginePid,
  errorNotification,
  findWebviewFrame,
  openFile,
  pollUntil,
  quickInput,
  readExtensionLog,
  REPO,
  runCommand,
  screenshot,
  setWorkspaceSettings,
  test,
  waitForLog,
  waitForNotification,
} from './harness.mjs';
import { uniquePrompt } from './workbenchForm.mjs';

/** Presses `key` until `shown` resolves: a window that is still restoring swallows key presses (see
 * openPalette), so a shortcut pressed once at the start may never arrive. */
async function pressUntil(page, key, shown) {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    try {
      return await shown();
    } catch (error) {
      if (attempt === 10)
        throw new Error(`${key} had no effect after ${attempt} presses: ${error.message}`, { cause: error });
    }
  }
}

const inputShown = (page) => () => quickInput(page).waitFor({ state: 'visible', timeout: 3_000 });

/** Opens the Generate prompt box by its shortcut and enters `prompt`. A press repeated while the first
 * box was still opening opens a second box over the filled one, holding the last prompt: so the prompt
 * is filled until it stays for half a second. */
async function enterPromptByKeyboard(page, prompt) {
  await pressUntil(page, 'Control+Alt+G', inputShown(page));
  const held = async () => {
    await quickInput(page).fill(prompt);
    await page.waitForTimeout(500);
    return (await quickInput(page).inputValue()) === prompt;
  };
  await pollUntil(held, 'the prompt box to keep the prompt', 20_000);
  await quickInput(page).press('Enter');
}

/** Generates `prompt` with the Generate shortcut; returns the image panel's frame. */
async function generateByKeyboard(page, prompt) {
  await enterPromptByKeyboard(page, prompt);
  return Promise.race([findWebviewFrame(page, `h1:has-text("${prompt}")`, 120_000), errorNotification(page)]);
}

function outputFiles(server) {
  const dir = join(server.workspace, 'diffusion-outputs');
  return existsSync(dir) ? readdirSync(dir) : [];
}

const logCount = (server, text) =>
  readExtensionLog(server)
    .split('\n')
    .filter((l) => l.includes(text)).length;

test('shortcuts: Ctrl+Alt+G generates, Ctrl+Alt+Escape cancels, Ctrl+Alt+W opens the workbench', async ({
  page,
  server,
}) => {
  const first = uniquePrompt();
  await generateByKeyboard(page, first);
  const pid = await enginePid(server, first);
  const cancelled = logCount(server, 'generate: cancelled run');

  // The tiny model finishes in a blink: hold the engine still so the run is in flight for the shortcut.
  process.kill(pid, 'SIGSTOP');
  try {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await enterPromptByKeyboard(page, uniquePrompt());
    await waitForNotification(page, 'Diffusion: generating');
    // The run cannot end while the engine is held, so a second press (should the first be lost) is harmless.
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Control+Alt+Escape');
      await page.waitForTimeout(500);
    }
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  for (let i = 0; i < 120 && logCount(server, 'generate: cancelled run') === cancelled; i++)
    await page.waitForTimeout(250);
  assert(logCount(server, 'generate: cancelled run') === cancelled + 1, 'Ctrl+Alt+Escape cancelled the run');

  // The workbench opens on the palette run, which says why its step viewer is empty.
  const panel = await pressUntil(page, 'Control+Alt+W', () => findWebviewFrame(page, '.params:not([inert])', 10_000));
  // A workbench restored in this window may show another run: put the palette run on view.
  await panel.evaluate(
    (prompt) => {
      const select = document.querySelector('#run-select');
      const option = [...select.querySelectorAll('vscode-option')].find((o) => o.textContent.includes(prompt));
      select.value = option.getAttribute('value');
      select.dispatchEvent(new Event('change'));
    },
    first.slice(0, 40),
  );
  const empty = panel.locator('.step-empty', { hasText: 'No steps were captured' });
  await empty.waitFor({ timeout: 30_000 });
  assert(!(await panel.locator('#step-scrubber').isVisible()), 'no scrubber without steps');
  assert(!(await panel.locator('.step-viewer vscode-button', { hasText: 'Play' }).isVisible()), 'no Play button');
  // Centred: at the pane's bottom edge the sticky Generate bar would cover it.
  await empty.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'points-palette-run-in-workbench');
});

test('engine lifetime and output folder: the status bar names the loaded model, the engine stops when idle; JSON only by setting', async ({
  page,
  server,
}) => {
  // 0.25 minutes: the engine stops 15 s after its run.
  await setWorkspaceSettings(server, page, {
    'diffusionLab.engineIdleMinutes': 0.25,
    'diffusionLab.saveRecordJson': true,
  });
  try {
    const before = new Set(outputFiles(server));
    const prompt = uniquePrompt();
    await runCommand(page, 'Diffusion: Generate');
    await quickInput(page).waitFor({ state: 'visible', timeout: 30_000 });
    await quickInput(page).fill(prompt);
    await quickInput(page).press('Enter');
    await Promise.race([findWebviewFrame(page, `h1:has-text("${prompt}")`, 120_000), errorNotification(page)]);
    const pid = await enginePid(server, prompt);
    const status = page.locator('.statusbar-item', { hasText: /tiny-shapes.*cpu/ }).first();
    await status.waitFor({ timeout: 15_000 });
    await screenshot(page, 'points-engine-loaded');

    // The setting asks for the record beside the PNG: one PNG and its JSON.
    const added = () => outputFiles(server).filter((f) => !before.has(f));
    for (let i = 0; i < 40 && added().length < 2; i++) await page.waitForTimeout(250);
    const files = added();
    const png = files.find((f) => f.endsWith('.png'));
    assert(png && files.includes(png.replace(/\.png$/, '.json')) && files.length === 2, `new outputs: ${files}`);

    await waitForLog(server, /stopping the engine process after 15 s idle/, 60_000);
    await page.locator('.statusbar-item', { hasText: 'engine stopped' }).first().waitFor({ timeout: 15_000 });
    for (let i = 0; i < 40 && engineProcesses(server).includes(pid); i++) await page.waitForTimeout(250);
    assert(!engineProcesses(server).includes(pid), 'the idle engine process has ended');
    await screenshot(page, 'points-engine-stopped');
  } finally {
    // Later specs share the workspace: back to the defaults (their windows read them when they open).
    await setWorkspaceSettings(server, undefined, {
      'diffusionLab.engineIdleMinutes': 5,
      'diffusionLab.saveRecordJson': false,
    });
  }
});

test('the Getting Started walkthrough lists its steps and its Generate link starts a run', async ({ page }) => {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill('Get started with Diffusion Lab');
  // Enter takes the filtered row: a hover over the list may cover it from a click.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Diffusion Lab' }).waitFor();
  await input.press('Enter');
  const walkthrough = page.locator('.gettingStartedContainer');
  for (const step of ['Generate a first image', 'Open a schedule as a document', 'Watch every step'])
    await walkthrough.getByText(step, { exact: true }).first().waitFor({ timeout: 30_000 });
  // The selected step's page (media/walkthrough/*.md) renders beside the steps in a webview of its own.
  await findWebviewFrame(
    page,
    'h1:text-matches("^(Your first image|A schedule as a document|Every step of the reverse process)$")',
  );
  await screenshot(page, 'points-walkthrough');
  // The first step may be marked done (an earlier test generated): open it to show its link.
  await walkthrough.getByText('Generate a first image', { exact: true }).first().click();
  await walkthrough.getByRole('button', { name: 'Generate', exact: true }).first().click();
  // The step's link runs Diffusion: Generate, which asks for the prompt.
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  assert(/Diffusion: Generate/.test(await page.locator('.quick-input-widget').innerText()), 'the Generate prompt box');
  await page.keyboard.press('Escape');
});

test("SD 1.5's official scheduler config gets information, not warnings", async ({ page, server }) => {
  const folder = join(server.workspace, 'sd15', 'scheduler');
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO, 'test/fixtures/schedules/sd15/scheduler_config.json'), join(folder, 'scheduler_config.json'));
  await openFile(page, 'sd15/scheduler/scheduler_config.json', 'PNDMScheduler');
  // The terminal-SNR note is information (SD 1.5 was trained so): once it is drawn, the checks have run.
  const editor = page.locator('.monaco-editor').first();
  await editor.locator('.squiggly-info').first().waitFor({ state: 'attached', timeout: 60_000 });
  const count = (selector) => editor.locator(selector).count();
  assert((await count('.squiggly-warning')) === 0, 'no warning in the official config');
  assert((await count('.squiggly-error')) === 0, 'no error in the official config');
  await page.keyboard.press('Control+Shift+M');
  const info = page.locator('.markers-panel .monaco-list-row', { hasText: '0.00468' }).first();
  await info.waitFor({ timeout: 30_000 });
  assert((await info.locator('.codicon-info').count()) === 1, 'shown as information');
  await screenshot(page, 'points-sd15-checks');
});
