// More points of the workbench issue in a real VS Code: prompt feedback (an unknown word marked, the
// token count, ↑ recalling a past run's prompt), a variation seed and strength with a batch count of
// two, the step preview's kind and cadence, the newest image and Generate in view after a run, and
// "Generate with this schedule" carrying the preview's sampler and steps to the workbench.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assert, findWebviewFrame, openFile, REPO, runCommand, screenshot, test } from './harness.mjs';
import { addTestModel, choosePreview, generate, newImages, openForm, pngs, TEST_MODEL } from './workbenchForm.mjs';

/** Waits until the run on view's first image has loaded and its top lies within the panel's
 * viewport, then asserts the Generate button is wholly in view too. */
async function assertResultsInView(panel) {
  const imageTopInView = () => {
    const img = document.querySelector('.images img');
    if (!img?.complete || img.naturalWidth === 0) return false;
    const { top, height } = img.getBoundingClientRect();
    return height > 0 && top >= 0 && top < innerHeight;
  };
  try {
    await panel.waitForFunction(imageTopInView, undefined, { timeout: 60_000 });
  } catch (error) {
    const where = await panel.evaluate(() => ({
      image: document.querySelector('.images img')?.getBoundingClientRect().toJSON(),
      viewport: { width: innerWidth, height: innerHeight },
    }));
    throw new Error(`the newest image's top is not in view: ${JSON.stringify(where)}`, { cause: error });
  }
  const { generate, viewport } = await panel.evaluate(() => ({
    generate: [...document.querySelectorAll('vscode-button')]
      .find((b) => b.textContent.trim() === 'Generate')
      ?.getBoundingClientRect()
      .toJSON(),
    viewport: { width: innerWidth, height: innerHeight },
  }));
  assert(
    generate &&
      generate.width > 0 &&
      generate.top >= 0 &&
      generate.bottom <= viewport.height &&
      generate.left >= 0 &&
      generate.right <= viewport.width,
    `Generate in view: ${JSON.stringify(generate)} in ${JSON.stringify(viewport)}`,
  );
}

test('prompt feedback: an unknown word is marked with the token count; ↑ recalls a past run’s prompt', async ({
  page,
  server,
}) => {
  addTestModel(server);
  const panel = await openForm(page, { seed: '501' }, TEST_MODEL);
  // The first prompt's words are all known: a count and nothing marked (once the answer for it came).
  await panel.waitForFunction(
    () =>
      /^\d+\/75$/.test(document.querySelector('#prompt-feedback .token-count')?.textContent ?? '') &&
      !document.querySelector('#prompt-feedback .unknown-word'),
    undefined,
    { timeout: 30_000 },
  );
  // The test model's vocabulary has no "é": its tokenizer gives "café" the unknown token.
  const typed = 'a red café on a blue background';
  await panel.locator('#param-prompt textarea').fill(typed);
  await panel.locator('#prompt-feedback .unknown-word', { hasText: 'café' }).waitFor({ timeout: 30_000 });
  // The line is drawn whole from one answer: the count beside the mark is the typed prompt's.
  const marked = await panel.locator('#prompt-feedback .unknown-word').allTextContents();
  assert(JSON.stringify(marked) === '["café"]', `only café marked: ${JSON.stringify(marked)}`);
  const count = await panel.locator('#prompt-feedback .token-count').textContent();
  assert(/^\d+\/75$/.test(count), `the token count against the 75-token window: ${count}`);
  await screenshot(page, 'more-prompt-feedback');

  const before = new Set(pngs(server));
  await generate(page, panel);
  const [text] = await newImages(server, before);
  assert(text.startsWith(`${typed}\n`), `the record keeps the prompt as typed: ${text}`);
  await panel.locator('.status', { hasText: 'saved as' }).waitFor({ timeout: 60_000 });

  // ↑ in the box gives the newest past prompt in place of the draft.
  const box = panel.locator('#param-prompt textarea');
  await box.fill('a draft');
  await panel.waitForFunction(() => document.querySelector('#param-prompt').value === 'a draft');
  await box.press('ArrowUp');
  await panel.waitForFunction((want) => document.querySelector('#param-prompt').value === want, typed, {
    timeout: 10_000,
  });
});

test('variation seed and strength reach the PNG parameters; batch count 2 makes two runs', async ({ page, server }) => {
  const panel = await openForm(page, {
    prompt: 'a green star on a black background',
    seed: '4321',
    subseed: '77',
    subseedStrength: '0.3',
    batchCount: '2',
  });
  const before = new Set(pngs(server));
  await generate(page, panel);
  const texts = await newImages(server, before, 2);
  assert(texts.length === 2, `two runs, one image each: ${texts.length} new PNGs`);
  // A1111's batch count with a variation strength moves the variation seed on, the seed stays.
  const subseeds = texts.map((t) => Number(/Variation seed: (\d+)/.exec(t)?.[1])).sort((a, b) => a - b);
  assert(JSON.stringify(subseeds) === '[77,78]', `variation seeds ${subseeds} in ${JSON.stringify(texts)}`);
  for (const t of texts) {
    assert(/Seed: 4321,/.test(t), `the seed kept: ${t}`);
    assert(/Variation seed strength: 0\.3\b/.test(t), `the strength: ${t}`);
  }
  await screenshot(page, 'more-variation-batch-count');
});

test('preview kind and cadence: TAESD every 2 steps gives the step viewer steps 2, 4 and 6', async ({
  page,
  server,
}) => {
  addTestModel(server);
  const panel = await openForm(page, { steps: '6', seed: '602', previewEvery: '2' }, TEST_MODEL);
  const kinds = await panel
    .locator('#param-previewKind vscode-option')
    .evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  assert(kinds.includes('taesd'), `the test model offers TAESD previews: ${kinds}`);
  await choosePreview(panel, 'taesd');
  const before = new Set(pngs(server));
  await generate(page, panel);
  await newImages(server, before);
  await panel.locator('.step-viewer[data-step="5"]').waitFor({ timeout: 60_000 });
  await panel.locator('.status', { hasText: 'saved as' }).waitFor({ timeout: 60_000 });
  const captured = await panel.locator('#step-scrubber').evaluate((e) => Number(e.max) + 1);
  assert(captured === 3, `three captured steps, not ${captured}`);

  const scrubber = panel.locator('#step-scrubber');
  await scrubber.focus();
  await page.keyboard.press('Home');
  for (const step of [2, 4, 6]) {
    if (step > 2) await page.keyboard.press('ArrowRight');
    await panel.locator(`.step-viewer[data-step="${step - 1}"]`).waitFor({ timeout: 10_000 });
    const readout = await panel.locator('.readout').textContent();
    assert(readout.startsWith(`step ${step}/6`), `readout: ${readout}`);
  }
  // TAESD decodes x̂0 at the image's size; the latent preview is the latent's (an eighth of it).
  const sizes = await panel.evaluate(() => ({
    preview: document.querySelector('.step-viewer canvas.preview').width,
    image: document.querySelector('.images img').naturalWidth,
  }));
  assert(
    sizes.preview === sizes.image && sizes.image > 0,
    `a TAESD preview at the image size: ${JSON.stringify(sizes)}`,
  );
  await panel.locator('.step-viewer').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'more-preview-cadence');
});

test('layout: after Generate the newest image and the Generate button are in view', async ({ page, server }) => {
  const panel = await openForm(page, { prompt: 'a yellow triangle on a white background', seed: '703' });
  // Start from the top of the form, where a user types the prompt.
  await panel.locator('#param-prompt textarea').focus();
  await panel.evaluate(() => window.scrollTo(0, 0));
  const before = new Set(pngs(server));
  await generate(page, panel);
  await newImages(server, before);
  await panel.locator('.status', { hasText: 'saved as' }).waitFor({ timeout: 60_000 });
  await assertResultsInView(panel);
  await screenshot(page, 'more-layout');
});

test('"Generate with this schedule" brings the sampler and steps chosen in the preview to the workbench', async ({
  page,
  server,
}) => {
  const folder = join(server.workspace, 'tiny', 'scheduler');
  mkdirSync(folder, { recursive: true });
  cpSync(
    join(REPO, 'test/fixtures/models/tiny-sd/scheduler/scheduler_config.json'),
    join(folder, 'scheduler_config.json'),
  );
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'tiny/scheduler/scheduler_config.json', 'DDIMScheduler');
  await runCommand(page, 'Diffusion: Open Schedule Preview to the Side');
  const frame = await findWebviewFrame(page, '[data-plot="sigma"] canvas', 60_000);
  await frame
    .locator('.toolbar > label', { hasText: /^Sampler/ })
    .locator('select')
    .selectOption('DPMSolverMultistepScheduler');
  const steps = frame.locator('.toolbar > label', { hasText: /^Steps/ }).locator('input');
  await steps.fill('7');
  await steps.press('Tab');
  await frame.locator('button', { hasText: 'Generate with this schedule' }).click();

  const panel = await findWebviewFrame(page, '.schedule-chip:not([hidden])', 60_000);
  await panel.locator('.schedule-chip', { hasText: 'DPMSolverMultistepScheduler' }).waitFor({ timeout: 30_000 });
  await panel.waitForFunction(() => document.querySelector('#param-steps')?.value === '7', undefined, {
    timeout: 30_000,
  });
  await panel.locator('#param-prompt textarea').fill('a schedule with its sampler');
  await panel.locator('#param-seed input').fill('804');
  const before = new Set(pngs(server));
  await generate(page, panel);
  const [text] = await newImages(server, before);
  assert(/Steps: 7,/.test(text), `the PNG's steps: ${text}`);
  const status = panel.locator('.status', { hasText: 'DPMSolverMultistepScheduler · 7 steps' });
  await status.filter({ hasText: /^done/ }).waitFor({ timeout: 60_000 });
  // Beside the preview the workbench is narrower: the result still comes into view.
  await assertResultsInView(panel);
  await screenshot(page, 'more-schedule-sampler-steps');
  // Back to the form's sampler for whatever runs next in this workspace.
  await panel.locator('.schedule-chip vscode-button').click();
  await panel.locator('#param-sampler').waitFor({ state: 'visible', timeout: 30_000 });
});
