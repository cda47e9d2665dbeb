// A sweep is checked against the models it names as it is typed: in a real VS Code, a width the
// fixed-size UNet of the sweep's model does not take, typed into the base run, is one error in Problems
// naming the model, before anything runs, and it leaves when the width is typed back; the CodeLens says
// the cell count, then the problem, then the count again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, goToLine, openFile, REPO, runCommand, screenshot, test } from './harness.mjs';

const MODEL = join(REPO, 'test/fixtures/models/tiny-sd-static');
const REFUSAL = "base width must be 64: tiny-sd-static's UNet takes a fixed size";

/** Goes to line `line` (1-based) of the active editor and types `text` over its last `erase` characters
 * (digits only: typed quotes would be closed by the editor). */
async function retypeEnd(page, line, erase, text) {
  await goToLine(page, line);
  await page.keyboard.press('End');
  for (let i = 0; i < erase; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

test("a width the sweep's fixed-size model refuses is an error in Problems as it is typed", async ({
  page,
  server,
}) => {
  const sweep = {
    version: 1,
    description: 'steps on a fixed-size UNet',
    base: { modelDir: MODEL, prompt: 'a red circle', seed: 1, width: 64 },
    x: { field: 'steps', values: [2, 4] },
  };
  const text = JSON.stringify(sweep, null, 2);
  const widthLine = text.split('\n').findIndex((l) => l.includes('"width": 64')) + 1;
  writeFileSync(join(server.workspace, 'fixed.sweep.json'), text);
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'fixed.sweep.json', 'steps on a fixed-size UNet');
  // The CodeLens above the file: the cell count while the sweep can run, its problems while it cannot.
  const lens = page.locator('.monaco-editor .codelens-decoration');
  await lens.filter({ hasText: 'Run sweep: 2 cells' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row');
  const refusals = rows.filter({ hasText: REFUSAL });

  await retypeEnd(page, widthLine, 2, '96');
  await refusals.first().waitFor({ timeout: 30_000 });
  await lens.filter({ hasText: '1 problem: the sweep cannot run yet' }).first().waitFor({ timeout: 30_000 });
  assert((await refusals.count()) === 1, `one entry: ${JSON.stringify(await rows.allInnerTexts())}`);
  assert((await refusals.filter({ has: page.locator('.codicon-error') }).count()) === 1, 'the refusal is an error');
  await screenshot(page, 'sweep-problems-model-refuses');

  await retypeEnd(page, widthLine, 2, '64');
  await refusals.first().waitFor({ state: 'detached', timeout: 30_000 });
  await lens.filter({ hasText: 'Run sweep: 2 cells' }).first().waitFor({ timeout: 30_000 });
});
