// Bad input and crashes around "Diffusion: Generate": a broken model folder is named in an error
// with "Show Log"; a killed engine is reported and the next Generate runs on a fresh one.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerInput,
  assert,
  engineProcesses,
  errorNotification,
  findWebviewFrame,
  generateAndFindEngine,
  REPO,
  runCommand,
  screenshot,
  setWorkspaceSettings,
  test,
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
    await screenshot(page, 'generate-missing-unet');
    await toast.getByRole('button', { name: 'Show Log' }).click();
    // The log opens in the Output panel with the same failure.
    await page.locator('.part.panel .monaco-editor', { hasText: 'model.onnx' }).waitFor({ timeout: 15_000 });
  } finally {
    // No reload: the next test opens a new window, which reads the file afresh.
    await setWorkspaceSettings(server, undefined, { 'diffusionLab.modelPath': MODEL });
  }
});

test('a killed engine is reported and the next Generate starts a fresh one', async ({ page, server }) => {
  const { pid, before } = await generateAndFindEngine(page, server, 'first try');

  // The tiny model finishes in milliseconds: hold the engine still so the next request is surely in
  // flight, then kill it.
  process.kill(pid, 'SIGSTOP');
  let killed = false;
  try {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, 'second try');
    await waitForNotification(page, 'Diffusion: generating');
    process.kill(pid, 'SIGKILL');
    killed = true;
  } finally {
    // An engine left stopped would outlive its window: its host's SIGTERM waits for a SIGCONT.
    if (!killed) process.kill(pid, 'SIGCONT');
  }
  await waitForNotification(page, 'The next Generate starts a fresh engine');
  await screenshot(page, 'generate-engine-killed');

  await runCommand(page, 'Notifications: Clear All Notifications');
  await runCommand(page, 'Diffusion: Generate');
  await answerInput(page, 'third try');
  const frame = await Promise.race([findWebviewFrame(page, 'canvas', 120_000), errorNotification(page)]);
  await frame.locator('h1', { hasText: 'third try' }).waitFor({ timeout: 60_000 });
  const fresh = engineProcesses(server).filter((p) => !before.has(p));
  assert(fresh.length === 1 && fresh[0] !== pid, `expected one fresh engine process, found ${fresh.join(', ')}`);
});
