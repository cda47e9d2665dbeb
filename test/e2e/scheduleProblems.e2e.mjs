// One diagnostic per problem, in a real VS Code: a scheduler_config.json with one invalid value gets one
// entry in Problems (the extension's), not a second from the JSON schema the extension contributes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, openFile, REPO, runCommand, screenshot, test } from './harness.mjs';

test('an invalid value in scheduler_config.json is one entry in Problems, not one per checker', async ({
  page,
  server,
}) => {
  const folder = join(server.workspace, 'invalid-beta', 'scheduler');
  mkdirSync(folder, { recursive: true });
  const config = JSON.parse(readFileSync(join(REPO, 'test/fixtures/models/tiny-sd/scheduler/scheduler_config.json')));
  writeFileSync(join(folder, 'scheduler_config.json'), JSON.stringify({ ...config, beta_schedule: 'cosine' }, null, 1));
  // A file the JSON language server certainly flags: once its entry shows, the server has checked the
  // files opened before it, the scheduler config among them.
  writeFileSync(join(server.workspace, 'invalid-beta', 'probe.json'), '{\n  // a comment\n  "a": 1\n}\n');
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'invalid-beta/scheduler/scheduler_config.json', 'cosine');
  await openFile(page, 'invalid-beta/probe.json', 'a comment');
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: 'cosine' }).first().waitFor({ timeout: 60_000 });
  await rows.filter({ hasText: 'Comments are not permitted' }).first().waitFor({ timeout: 60_000 });
  const count = (icon) => rows.filter({ has: page.locator(`.codicon-${icon}`) }).count();
  const texts = await rows.allInnerTexts();
  assert((await count('error')) === 2, `one error per file: ${JSON.stringify(texts)}`);
  assert((await count('warning')) === 0, `no warning (the schema's check would be one): ${JSON.stringify(texts)}`);
  assert(
    (await rows.filter({ hasText: 'cosine' }).count()) === 1,
    `one entry names the value: ${JSON.stringify(texts)}`,
  );
  // The entry leads to the value.
  await rows.filter({ hasText: 'cosine' }).click();
  await page.locator('.tab.active', { hasText: 'scheduler_config.json' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'problems-one-per-problem');
});
