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
  await setWorkspaceSettings(server, page, { 'diffusionLab.modelPath': broken });
  try {
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, 'anything');
    const toast = await waitForNotification(page, join('unet', 'model.onnx'));
    // The progress toast closes just after the error shows, moving the error toast: click once it has
    // gone, and again while the button is still there (a click that landed mid-move did nothing).
    await page
      .locator('.notification-list-item', { hasText: 'Diffusion: generating' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
    await screenshot(page, 'generate-missing-unet');
    const showLog = toast.getByRole('button', { name: 'Show Log' });
    // The log opens in the Output panel with the same failure.
    const output = page.locator('.part.panel .monaco-editor', { hasText: 'model.onnx' });
    for (let click = 0; click < 3 && (await showLog.isVisible()) && !(await output.isVisible()); click++) {
      await showLog.click();
      await output.waitFor({ timeout: 5_000 }).catch(() => {});
    }
    await output.waitFor({ timeout: 15_000 });
  } finally {
    // No reload: the next test opens a new window, which reads the file afresh.
    await setWorkspaceSettings(server, undefined, { 'diffusionLab.modelPath': MODEL });
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
