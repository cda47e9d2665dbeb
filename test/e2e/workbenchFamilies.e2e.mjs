// The workbench's sampler list and model families in a real VS Code: "DPM++ 2M Karras" picked by typing
// runs as A1111's sampler (the PNG says so in A1111's words); an SDXL folder in the workspace shows the
// micro-conditioning fields and generates with an original size typed there; an LCM folder takes its
// family's steps and guidance when picked, says so, and generates.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, findWebviewFrame, readExtensionLog, REPO, runCommand, screenshot, test } from './harness.mjs';
import { DEFAULT_MODEL } from './workbenchForm.mjs';

function savedPng(server, seed) {
  const dir = join(server.workspace, 'diffusion-outputs');
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(`-${seed}.png`)) : undefined;
  return file && readFileSync(join(dir, file)).toString('latin1');
}

/** Generates with Ctrl+Enter and waits until the run on view is done with `model` and its PNG is saved. */
async function generate(page, panel, server, model, seed) {
  await panel.locator('#param-seed input').fill(String(seed));
  await panel.locator('#param-seed input').focus();
  await page.keyboard.press('Control+Enter');
  try {
    await panel.locator('.status', { hasText: `done · ${model}` }).waitFor({ timeout: 120_000 });
  } catch (error) {
    const log = readExtensionLog(server).split('\n').slice(-15).join('\n');
    throw new Error(`${error.message}\nextension log:\n${log}`, { cause: error });
  }
  const deadline = Date.now() + 30_000;
  while (!savedPng(server, seed) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const png = savedPng(server, seed);
  assert(png, `the run with seed ${seed} saved its PNG`);
  return png;
}

async function pickModel(panel, label) {
  const id = await panel.evaluate((text) => {
    const option = [...document.querySelectorAll('#param-modelId vscode-option')].find((o) => o.textContent === text);
    return option?.getAttribute('value');
  }, label);
  assert(id, `model ${label} is offered`);
  await panel.evaluate((value) => {
    const select = document.querySelector('#param-modelId');
    select.value = value;
    select.dispatchEvent(new Event('change'));
  }, id);
}

test(
  'workbench: a tool sampler picked by typing, an SDXL and an LCM model generate',
  async ({ page, server }) => {
    for (const name of ['tiny-sdxl', 'tiny-lcm'])
      cpSync(join(REPO, 'test/fixtures/models', name), join(server.workspace, 'models', name), { recursive: true });
    await runCommand(page, 'Diffusion: Open Generation Workbench');
    const panel = await findWebviewFrame(page, '.params:not([inert])', 60_000);
    await panel.locator('#param-prompt textarea').fill('a red circle on a blue background');
    // Enough steps for DPM++ 2M Karras to draw the circle cleanly in the screenshot.
    await panel.locator('#param-steps input').fill('12');

    // Typing filters the one sampler list; Enter picks the entry named exactly.
    await panel.locator('#param-sampler-input').click();
    await page.keyboard.type('DPM++ 2M Karras');
    const shown = await panel.locator('.picker-option:visible .picker-label').allTextContents();
    assert(shown[0] === 'DPM++ 2M Karras' && shown.includes('DPM++ 2M SDE Karras'), `filtered: ${shown}`);
    await screenshot(page, 'workbench-sampler-typed');
    await page.keyboard.press('Enter');
    assert((await panel.locator('#param-sampler-input').inputValue()) === 'DPM++ 2M Karras', 'picked');
    const sd = await generate(page, panel, server, DEFAULT_MODEL, 4242);
    assert(/Steps: 12, Sampler: DPM\+\+ 2M, Schedule type: Karras,/.test(sd), "A1111's sampler ran");
    await screenshot(page, 'workbench-tool-sampler');
    // A workbench tab this window restored from an earlier test's (unshown until now) is not a second one.
    const tabs = await page.locator('.tab', { hasText: 'Diffusion Workbench' }).count();
    assert(tabs === 1, `${tabs} workbench tabs`);

    // SDXL: its micro-conditioning fields appear; an original size typed there reaches the run.
    await pickModel(panel, 'models/tiny-sdxl');
    await panel.locator('#param-originalSize input').waitFor({ state: 'visible', timeout: 10_000 });
    assert(/SDXL/.test(await panel.locator('.family-hint').textContent()), 'the family is named');
    await panel.locator('#param-originalSize input').fill('128x128');
    const xl = await generate(page, panel, server, 'models/tiny-sdxl', 4343);
    assert(/"originalSize":\{"width":128,"height":128\}/.test(xl), 'the record keeps the original size');
    assert(/Model: tiny-sdxl/.test(xl), 'the SDXL model ran');
    await screenshot(page, 'workbench-sdxl');

    // LCM: picking it puts in its family's steps and guidance and its own scheduler, and says so.
    await pickModel(panel, 'models/tiny-lcm');
    assert((await panel.locator('#param-steps input').inputValue()) === '4', 'LCM steps');
    assert((await panel.locator('#param-guidanceScale input').inputValue()) === '8.5', 'LCM guidance');
    assert(
      (await panel.locator('#param-sampler-input').inputValue()) === "Model's own scheduler",
      "the model's own LCMScheduler",
    );
    assert(/LCM, distilled/.test(await panel.locator('.family-hint').textContent()), 'the hint says why');
    assert(!(await panel.locator('#param-originalSize').isVisible()), 'no micro-conditioning for LCM');
    const lcm = await generate(page, panel, server, 'models/tiny-lcm', 4444);
    assert(/Steps: 4, .*CFG scale: 8\.5, .*Model: tiny-lcm/s.test(lcm), 'the LCM model ran at its settings');
    // An LCM runs no CFG: its status says the guidance went in as an embedding.
    const status = await panel.locator('.status').textContent();
    assert(/ · guidance 8\.5 \(embedded\) · /.test(status), `LCM status: ${status}`);
    await screenshot(page, 'workbench-lcm');
  },
  { timeoutMs: 300_000 },
);
