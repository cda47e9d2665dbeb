// Restricted mode: an untrusted workspace cannot make the extension load a model folder from it, neither
// through its own settings nor through a setting outside it (here the remote's, code-server's Machine
// settings) whose relative path lands inside it. Each test starts its own code-server with its settings
// in place before the window opens.
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerInput,
  assert,
  findWebviewFrame,
  openFile,
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

restrictedTest(
  'a sweep cell whose record names a model folder in the untrusted workspace is not run again from the grid',
  {},
  async (server, page) => {
    // The cells are made outside the window (the CLI, as a trusted user would have), beside the sweep file.
    const name = `cells-${Date.now() % 1e6}`;
    const base = { modelDir: join(server.workspace, MODEL), prompt: 'a red circle', seed: 1, steps: 2 };
    const file = join(server.workspace, `${name}.sweep.json`);
    writeFileSync(file, JSON.stringify({ version: 1, base, x: { field: 'guidanceScale', values: [2, 3] } }));
    const out = join(server.workspace, 'diffusion-outputs', 'sweeps', name);
    const cli = spawnSync(process.execPath, [join(REPO, 'bin/diffusion-lab.js'), 'sweep', file, '--out', out]);
    assert(cli.status === 0, `the CLI sweep: ${cli.stderr}`);
    await openFile(page, `${name}.sweep.json`, 'guidanceScale');
    await runCommand(page, 'Diffusion: Open Sweep Grid to the Side');
    const grid = await findWebviewFrame(page, 'img.cell[data-index]', 60_000);
    await grid.locator('img.cell').first().click();
    await waitForNotification(page, 'does not load model folders from an untrusted workspace');
    assert(!/workbench: "a red circle" model/.test(readExtensionLog(server)), 'a run went ahead');
  },
);
