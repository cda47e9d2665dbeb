// The workbench prompt box's tools in headless Chromium with a stand-in host: the token count and
// unknown words come from the host's 'tokens' answer to a debounced 'tokenize' request (a late
// answer for older text is ignored), and ↑/↓ recall the stored runs' prompts, newest first.
import { assert, openSurface, post, posted } from './harness.mjs';
import { workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [
  {
    id: 'm1',
    label: 'tiny-shapes (default)',
    sizeMultiple: 8,
    nativeSize: 32,
    guidanceScale: 7.5,
    previews: ['latent'],
  },
];
const form = workbenchForm();
const spec = {
  modelDir: '/m',
  negativePrompt: '',
  seed: 7,
  steps: 4,
  guidanceScale: 7.5,
  guidanceRescale: 0,
  width: 32,
  height: 32,
  batchSize: 1,
};
const run = (id, createdAt, prompt) => ({
  id,
  createdAt,
  spec: { ...spec, prompt },
  modelLabel: 'tiny-shapes',
  status: 'done',
  images: [],
});
const runs = [
  run('r1', '2026-01-01T00:00:00.000Z', 'an old blue square'),
  run('r3', '2026-01-03T00:00:00.000Z', 'the newest prompt'),
  run('r2', '2026-01-02T00:00:00.000Z', 'a middle green star'),
  run('r4', '2025-12-31T00:00:00.000Z', 'the newest prompt'),
];
const snapshot = workbenchSnapshot({ form, models, runs });

async function open(browser) {
  const { page, errors } = await openSurface(browser, 'workbench');
  await post(page, { type: 'snapshot', snapshot });
  await page.waitForFunction(() => document.querySelector('#param-prompt')?.value === 'a red circle');
  return { page, errors };
}

/** The host's answer to a 'tokenize' request. */
function tokens(text, count, window, chunks, unknown = [], field = 'prompt') {
  return { type: 'tokens', field, text, modelId: 'm1', count, window, chunks, unknown };
}

/** The last 'tokenize' request the page posted for a box, once one for `text` has come. */
async function tokenizeRequest(page, text, field = 'prompt') {
  const asked = ([t, f]) => window.__posted.some((m) => m.type === 'tokenize' && m.text === t && m.field === f);
  await page.waitForFunction(asked, [text, field], { timeout: 5_000 });
  return (await posted(page)).filter((m) => m.type === 'tokenize' && m.field === field).at(-1);
}

export const tests = [
  {
    name: 'the prompt box shows the host’s token count and marks unknown words; stale answers are ignored',
    async run(browser) {
      const { page, errors } = await open(browser);
      const first = await tokenizeRequest(page, 'a red circle');
      assert(first.modelId === 'm1', `tokenize names the model: ${JSON.stringify(first)}`);
      await post(page, tokens('a red circle', 3, 75, 1));
      await page.waitForFunction(() => document.querySelector('#prompt-feedback .token-count')?.textContent === '3/75');
      assert(!(await page.$('#prompt-feedback .unknown-word')), 'no unknown words marked');

      const typed = 'a zebra, a red circle and a café zebra';
      await page.fill('#param-prompt textarea', typed);
      const request = await tokenizeRequest(page, typed);
      assert(request.text === typed, 'the request carries the text as typed');
      // An answer for the text before is late: it must not replace what the box will show.
      await post(page, tokens('a red circle', 3, 75, 1));
      const zebra = { start: 2, end: 7 };
      const cafe = { start: typed.indexOf('café'), end: typed.indexOf('café') + 4 };
      const late = { start: typed.lastIndexOf('zebra'), end: typed.length };
      await post(page, tokens(typed, 80, 150, 2, [zebra, cafe, late]));
      const countIs = (want) => document.querySelector('#prompt-feedback .token-count')?.textContent === want;
      await page.waitForFunction(countIs, '80/150 (2 chunks)');
      const marked = await page.$$eval('#prompt-feedback .unknown-word', (els) => els.map((e) => e.textContent));
      assert(JSON.stringify(marked) === '["zebra","café"]', `unknown words marked once each: ${marked}`);

      // The negative prompt has its own line, asked about and answered by field.
      await page.fill('#param-negativePrompt textarea', 'blurry crème');
      await tokenizeRequest(page, 'blurry crème', 'negativePrompt');
      await post(page, tokens('blurry crème', 2, 75, 1, [{ start: 7, end: 12 }], 'negativePrompt'));
      await page.waitForFunction(
        () => document.querySelector('#negativePrompt-feedback .unknown-word')?.textContent === 'crème',
      );
      const promptCount = await page.textContent('#prompt-feedback .token-count');
      assert(promptCount === '80/150 (2 chunks)', `the prompt's line is its own: ${promptCount}`);

      await post(page, { ...tokens(typed, 0, 0, 0), error: '"1.2.3" is not a number' });
      const errorShown = () => /is not a number/.test(document.querySelector('#prompt-feedback .error')?.textContent);
      await page.waitForFunction(errorShown);

      // A restored run sets the prompt whole: the line for the typed prompt goes at once (its unknown words are
      // not the restored prompt's), the host is asked without the typing pause, and its answer is shown.
      await post(page, tokens(typed, 80, 150, 2, [zebra]));
      await page.waitForFunction(() => document.querySelector('#prompt-feedback .unknown-word'));
      await post(page, { type: 'form', form: { ...form, prompt: 'a blue square' }, note: 'Restored.' });
      const line = await page.textContent('#prompt-feedback');
      assert(line === '', `the typed prompt's line is gone at once: "${line}"`);
      const asked = (await posted(page)).filter((m) => m.type === 'tokenize' && m.text === 'a blue square');
      assert(asked.length === 1, `asked at once, without the typing pause: ${asked.length}`);
      await post(page, tokens('a blue square', 3, 75, 1));
      await page.waitForFunction(countIs, '3/75');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: '↑ and ↓ in the prompt box recall past prompts, newest first, each once, and give back what was typed',
    async run(browser) {
      const { page, errors } = await open(browser);
      const prompt = () => page.evaluate(() => document.querySelector('#param-prompt').value);
      await page.click('#param-prompt textarea');
      await page.fill('#param-prompt textarea', 'my draft');
      const seen = [];
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('ArrowUp');
        seen.push(await prompt());
        // A recalled prompt counts as typed: it is counted and remembered like one.
        if (i === 0) await tokenizeRequest(page, 'the newest prompt');
      }
      const expected = ['the newest prompt', 'a middle green star', 'an old blue square', 'an old blue square'];
      assert(JSON.stringify(seen) === JSON.stringify(expected), `↑ gives ${JSON.stringify(seen)}`);
      await page.keyboard.press('ArrowDown');
      assert((await prompt()) === 'a middle green star', '↓ goes newer');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert((await prompt()) === 'my draft', '↓ past the newest gives back the draft');
      // On a later line of a multi-line prompt, ↑ moves the caret instead. A recall puts the caret at the end
      // in the next frame: fill's select-all before that frame would be collapsed by it, and its text appended
      // to the draft. So the frame goes by first.
      await page.evaluate(() => new Promise((frame) => requestAnimationFrame(frame)));
      await page.fill('#param-prompt textarea', 'line one\nline two');
      // Once the component has taken the text (it re-renders its textarea), the caret on the last line.
      await page.waitForFunction(() => document.querySelector('#param-prompt').value === 'line one\nline two');
      await page.waitForTimeout(50);
      await page.$eval('#param-prompt textarea', (t) => t.setSelectionRange(t.value.length, t.value.length));
      await page.keyboard.press('ArrowUp');
      assert((await prompt()) === 'line one\nline two', '↑ off the first line keeps the text');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
