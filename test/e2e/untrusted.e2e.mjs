// Restricted mode: an untrusted workspace cannot make the extension load a model folder from it.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerInput,
  assert,
  openWorkbench,
  readExtensionLog,
  reloadWindow,
  REPO,
  runCommand,
  screenshot,
  startCodeServer,
  test,
  waitForLog,
  waitForNotification,
} from './harness.mjs';

test('an untrusted workspace cannot point the extension at a model folder inside it', async ({
  context,
  server: shared,
}) => {
  const server = await startCodeServer({
    vsix: shared.vsix,
    workspaceTrust: true,
    workspaceSettings: { 'diffusionLab.modelPath': 'models/tiny-sd' },
  });
  let page;
  try {
    cpSync(join(REPO, 'test/fixtures/models/tiny-sd'), join(server.workspace, 'models/tiny-sd'), { recursive: true });
    page = await openWorkbench(context, server);
    // code-server opens a folder it has not been told to trust in Restricted Mode.
    await page.locator('.statusbar', { hasText: 'Restricted Mode' }).waitFor({ timeout: 30_000 });

    // The workspace's value of the setting is ignored (restricted setting): the default model is used.
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, 'from the workspace setting');
    const [, used] = await waitForLog(server, /generate: "from the workspace setting" model (.*), seed/);
    assert(!used.startsWith(server.workspace), `the engine was asked to load ${used}`);

    // A user-level relative path would land inside the workspace: refused with a reason.
    const userFile = join(server.userDataDir, 'User', 'settings.json');
    writeFileSync(
      userFile,
      JSON.stringify({ ...JSON.parse(readFileSync(userFile, 'utf8')), 'diffusionLab.modelPath': 'models/tiny-sd' }),
    );
    await reloadWindow(page);
    // The window learns of the edited file through a watcher, even across a reload: until it has, a
    // Generate still runs on the default model (and says so in the log). Ask again until it is refused.
    const refusal = 'does not load model folders from an untrusted workspace';
    const refusals = () => readExtensionLog(server).split(refusal).length - 1;
    for (let attempt = 1; ; attempt++) {
      const before = refusals();
      const prompt = `from the user setting, try ${attempt}`;
      await runCommand(page, 'Diffusion: Generate');
      await answerInput(page, prompt);
      const ran = new RegExp(`generate: "${prompt}" model (.*), seed`);
      for (let i = 0; i < 120 && refusals() === before && !ran.test(readExtensionLog(server)); i++)
        await page.waitForTimeout(250);
      if (refusals() > before) break;
      assert(ran.test(readExtensionLog(server)), `"${prompt}" was neither refused nor run`);
      assert(attempt < 6, 'the window never read the user setting');
      console.log(`  "${prompt}" ran on the default model: the window has not read the user setting yet`);
      await page.waitForTimeout(2_000);
    }
    await waitForNotification(page, refusal);
    await screenshot(page, 'untrusted-workspace');
  } finally {
    await page?.close();
    server.stop();
  }
});
