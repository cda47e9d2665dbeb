// Bad input and crashes around "Diffusion: Generate": a broken model folder is named in an error
// with "Show Log"; a killed engine is reported and the next Generate runs on a fresh one.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerInput,
  assert,
  engineProcesses,
  generateAndFindEngine,
  REPO,
  runCommand,
  screenshot,
  setWorkspaceSettings,
  test,
  waitForLog,
  waitForNotification,
} from './harness.mjs';

const MODEL = join(REPO, 'test/fixtures/models/tiny-sd');

test('a model folder without its UNet gives an error naming the file, with Show Log', async ({ page, server }) => {
  const broken = join(server.root, 'model-without-unet');
  cpSync(MODEL, broken, { recursive: true });
  rmSync(join(broken, 'unet', 'model.onnx'));
  // Nothing for the reloaded window to restore: while it restores the earlier tests' webviews (at times for
  // 10 s) VS Code holds back toasts, and its Output view dropped the reveal of a log channel asked for then.
  await runCommand(page, 'View: Close All Editors');
  await setWorkspaceSettings(server, page, { 'diffusionLab.modelPath': broken });
  try {
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, 'anything');
    await waitForNotification(page, join('unet', 'model.onnx'));
    // A run that fails after half a second has shown its progress toast: it closes just after the error.
    await page
      .locator('.notification-list-item', { hasText: 'Diffusion: generating' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
    await screenshot(page, 'generate-missing-unet');
    // The log opens in the Output panel with the same failure.
    await showLogUntil(page, page.locator('.part.panel .monaco-editor', { hasText: 'model.onnx' }));
  } finally {
    // No reload: the next test opens a new window, which reads the file afresh.
    await setWorkspaceSettings(server, undefined, { 'diffusionLab.modelPath': undefined });
  }
});

test('a killed engine is reported and the next Generate starts a fresh one', async ({ page, server }) => {
  // Prompts of this attempt alone: the log of an earlier attempt's window names its own engine.
  const attempt = Date.now().toString(36);
  const { pid } = await generateAndFindEngine(page, server, `first try ${attempt}`);

  // The tiny model finishes in milliseconds: hold the engine still so the next request is surely in
  // flight, then kill it.
  process.kill(pid, 'SIGSTOP');
  let killed = false;
  try {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, `second try ${attempt}`);
    await waitForNotification(page, 'Diffusion: generating');
    // The host logs the request before it sends it: kill only once the request is on its way.
    await waitForLog(server, new RegExp(`generate: "second try ${attempt}"`));
    process.kill(pid, 'SIGKILL');
    killed = true;
  } finally {
    // An engine left stopped would outlive its window: its host's SIGTERM waits for a SIGCONT.
    if (!killed) process.kill(pid, 'SIGCONT');
  }
  await waitForNotification(page, 'The next Generate starts a fresh engine');
  await screenshot(page, 'generate-engine-killed');

  await runCommand(page, 'Notifications: Clear All Notifications');
  const { pid: fresh } = await generateAndFindEngine(page, server, `third try ${attempt}`);
  assert(
    fresh !== pid && engineProcesses(server).includes(fresh),
    `the third try ran on engine process ${fresh}, not a fresh one`,
  );
});

/** Clicks the missing-UNet error's "Show Log" until `output` shows; the error may sit in a toast or,
 * once its toast has hidden, in the notification center. The click goes to the button itself: toasts
 * that close (progress, "Activating Extensions...") move the others, and a click at the button's place
 * could land on another toast's or the error's own close button, dismissing it without its action.
 * Fails saying what was on screen instead. */
async function showLogUntil(page, output) {
  const showLog = page
    .locator('.notification-list-item', { hasText: join('unet', 'model.onnx') })
    .filter({ visible: true })
    .getByRole('button', { name: 'Show Log' });
  let clicks = 0;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if (await output.isVisible()) return;
    if (await showLog.isVisible()) {
      clicks += 1;
      await showLog.dispatchEvent('click', undefined, { timeout: 5_000 }).catch(() => {});
    } else if (clicks === 0) await runCommand(page, 'Notifications: Show Notifications');
    await output.waitFor({ timeout: 3_000 }).catch(() => {});
  }
  const panel = page.locator('.part.panel');
  const shown = (await panel.isVisible()) ? `the panel shows "${(await panel.innerText()).slice(0, 400)}"` : 'no panel';
  const notes = await page.locator('.notification-list-item').filter({ visible: true }).allInnerTexts();
  throw new Error(`the log did not show after ${clicks} clicks on Show Log: ${shown}; notifications: ${notes}`);
}
