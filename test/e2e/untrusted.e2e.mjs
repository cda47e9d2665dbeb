// Restricted mode: an untrusted workspace cannot make the extension load a model folder from it, neither
// through its own settings nor through a setting outside it (here the remote's, code-server's Machine
// settings) whose relative path lands inside it. Each test starts its own code-server with its settings
// in place before the window opens.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerInput,
  assert,
  openWorkbench,
  readExtensionLog,
  REPO,
  runCommand,
  screenshot,
  startCodeServer,
  test,
  waitForLog,
  waitForNotification,
} from './harness.mjs';

const MODEL = 'models/tiny-sd';

/** A test that runs `check` in a window of its own code-server in Restricted Mode, started with `settings`,
 * whose workspace holds a model folder at MODEL; on failure it screenshots that window (the runner's own
 * shot is of the shared server's). */
function restrictedTest(name, settings, check) {
  test(name, async ({ context, server: shared }) => {
    const server = await startCodeServer({ vsix: shared.vsix, workspaceTrust: true, ...settings });
    let page;
    try {
      cpSync(join(REPO, 'test/fixtures/models/tiny-sd'), join(server.workspace, MODEL), { recursive: true });
      page = await openWorkbench(context, server);
      // code-server opens a folder it has not been told to trust in Restricted Mode.
      await page.locator('.statusbar', { hasText: 'Restricted Mode' }).waitFor({ timeout: 30_000 });
      await check(server, page);
    } catch (err) {
      if (page) await screenshot(page, `FAILED-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
      throw err;
    } finally {
      await page?.close();
      server.stop();
    }
  });
}

restrictedTest(
  "an untrusted workspace's own model setting is ignored: Generate runs on the default model",
  { workspaceSettings: { 'diffusionLab.modelPath': MODEL } },
  async (server, page) => {
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, 'from the workspace setting');
    const [, used] = await waitForLog(server, /generate: "from the workspace setting" model (.*), seed/);
    assert(!used.startsWith(server.workspace), `the engine was asked to load ${used}`);
  },
);

restrictedTest(
  "a relative model path from the remote's settings that lands in an untrusted workspace is refused",
  { remoteSettings: { 'diffusionLab.modelPath': MODEL } },
  async (server, page) => {
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, 'from the remote setting');
    await waitForNotification(page, 'does not load model folders from an untrusted workspace');
    assert(!/generate: "from the remote setting"/.test(readExtensionLog(server)), 'the run went ahead');
    await screenshot(page, 'untrusted-workspace');
  },
);
