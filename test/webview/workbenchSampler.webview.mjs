// The workbench's one sampler list and its family-specific fields: typing filters the picker by every word,
// entries stand under their tool's heading, an entry that cannot run says why (in general, or for the model
// picked); a restored A1111 name shows as that entry; SDXL models show micro-conditioning fields with their
// defaults; a distilled model puts in its own steps and guidance and says so; at ~730 px a new run's images
// come into view above the form.
import { assert, openSurface, post, posted } from './harness.mjs';
import { pickModel, SAMPLERS, workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const sd = { id: 'sd', label: 'tiny-sd', sizeMultiple: 8, nativeSize: 32, guidanceScale: 7.5, previews: ['latent'] };
const models = [
  { ...sd, family: 'sd1', steps: 50, schedulerLabel: 'PNDMScheduler, leading timesteps' },
  {
    ...sd,
    id: 'xl',
    label: 'tiny-sdxl',
    nativeSize: 64,
    guidanceScale: 5,
    family: 'sdxl',
    steps: 50,
    microConditioning: true,
    toolSamplersWhy: 'tool samplers do not run zero-terminal-SNR schedules',
  },
  {
    ...sd,
    id: 'turbo',
    label: 'tiny-sd-turbo',
    guidanceScale: 0,
    family: 'sd-turbo',
    steps: 1,
    schedulerLabel: 'EulerDiscreteScheduler, trailing timesteps',
  },
];
const form = workbenchForm({ modelId: 'sd', steps: '20', sampler: 'DDIMScheduler' });
const snapshot = workbenchSnapshot({ form, models });

async function opened(browser, viewport) {
  const surface = await openSurface(browser, 'workbench', viewport);
  await post(surface.page, { type: 'snapshot', snapshot });
  await surface.page.waitForFunction(() => document.querySelector('#param-sampler-input')?.value === 'DDIMScheduler');
  return surface;
}

/** What the open list shows: headings and option labels (with their reasons), visible ones only. */
const shown = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.picker-heading, .picker-option')]
      .filter((e) => e.getClientRects().length > 0)
      .map((e) =>
        [...(e.children.length ? e.children : [e])]
          .filter((c) => c.getClientRects().length > 0)
          .map((c) => c.textContent)
          .join(' '),
      ),
  );

const value = (page, key) => page.evaluate((k) => document.querySelector(`#param-${k}`).value, key);
const visible = (page, key) =>
  page.evaluate((k) => document.querySelector(`.field-${k}`).getClientRects().length > 0, key);

export const tests = [
  {
    name: 'the sampler picker lists every tool by its heading, filters by the words typed, and picks with Enter',
    async run(browser) {
      const { page, errors } = await opened(browser);
      await page.click('#param-sampler-input');
      const all = await shown(page);
      for (const heading of ['This model', 'A1111 (Sampler and Schedule type)', 'ComfyUI', 'diffusers'])
        assert(
          all.some((t) => t.startsWith(heading)),
          `heading ${heading} in ${all.join(' | ')}`,
        );
      assert(all.length === SAMPLERS.length + 4, `every entry under a heading: ${all.length}`);
      assert(
        (await page.evaluate(() => document.querySelector('#param-sampler-input').getAttribute('aria-expanded'))) ===
          'true',
        'the combobox says it is open',
      );
      await page.keyboard.type('2m karras');
      const filtered = await shown(page);
      assert(
        filtered.join(' | ') ===
          'A1111 (Sampler and Schedule type) | DPM++ 2M Karras | DPM++ 2M SDE Karras | ' +
            'ComfyUI (KSampler sampler_name · scheduler) | dpmpp_2m · karras',
        `filtered: ${filtered.join(' | ')}`,
      );
      await page.keyboard.press('Enter');
      assert((await value(page, 'sampler-input')) === 'DPM++ 2M Karras', 'Enter picks the first match');
      assert(!(await visible(page, 'spacing')), 'a tool sampler has no diffusers spacing to offer');
      await page.keyboard.press('Control+Enter');
      const generate = (await posted(page)).find((m) => m.type === 'generate');
      assert(generate?.form.sampler === 'a1111:DPM++ 2M:Karras', `generate: ${JSON.stringify(generate?.form)}`);
      // A full name typed picks that entry, not the first that contains its words.
      await page.click('#param-sampler-input');
      await page.keyboard.type('dpmpp_2m · karras');
      await page.keyboard.press('Enter');
      assert((await value(page, 'sampler')) === 'comfyui:dpmpp_2m:karras', 'the exact name is picked');
      await page.click('#param-sampler-input');
      await page.keyboard.type('no such sampler');
      assert((await shown(page)).length === 0, 'nothing matches');
      await page.keyboard.press('Escape');
      assert((await value(page, 'sampler-input')) === 'dpmpp_2m · karras', 'Escape keeps the pick');
      assert(!(await posted(page)).some((m) => m.type === 'cancel'), 'Escape in the picker cancels nothing');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'an entry that cannot run is greyed out with its reason, in general and for the model picked',
    async run(browser) {
      const { page, errors } = await opened(browser);
      await page.click('#param-sampler-input');
      await page.keyboard.type('cfg++');
      const cfgpp = await shown(page);
      assert(
        cfgpp[1] === 'DDIM CFG++ Unavailable: needs the unconditional ε (CFG++), not a plain denoiser',
        `reason shown: ${cfgpp.join(' | ')}`,
      );
      await page.click('.picker-option.disabled', { force: true });
      assert((await value(page, 'sampler')) === 'DDIMScheduler', 'a click on it picks nothing');
      await page.keyboard.press('Escape');
      await pickModel(page, 'xl');
      await page.click('#param-sampler-input');
      await page.keyboard.type('karras');
      const forXl = await shown(page);
      assert(
        forXl.includes(
          'DPM++ 2M Karras Unavailable: not for tiny-sdxl: tool samplers do not run zero-terminal-SNR schedules',
        ),
        `model reason shown: ${forXl.join(' | ')}`,
      );
      assert(
        forXl.includes('EulerDiscreteScheduler · Karras σ A1111 Euler'),
        `diffusers entries still run: ${forXl.join(' | ')}`,
      );
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'a restored A1111 form shows its sampler in the picker under its A1111 name',
    async run(browser) {
      const { page, errors } = await opened(browser);
      await post(page, { type: 'form', form: { ...form, sampler: 'a1111:DPM++ 2M:Karras' }, note: 'Restored.' });
      await page.waitForFunction(() => document.querySelector('#param-sampler-input').value === 'DPM++ 2M Karras');
      assert(/A1111/.test(await page.getAttribute('#param-sampler-input', 'title')), 'its tool is named on hover');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: "SDXL shows micro-conditioning fields with their defaults; a distilled model takes its family's settings",
    async run(browser) {
      const { page, errors } = await opened(browser);
      for (const key of ['originalSize', 'cropTopLeft', 'targetSize'])
        assert(!(await visible(page, key)), `${key} hidden for an SD 1.x model`);
      await pickModel(page, 'xl');
      for (const key of ['originalSize', 'cropTopLeft', 'targetSize'])
        assert(await visible(page, key), `${key} shown for SDXL`);
      const placeholder = (key) => page.evaluate((k) => document.querySelector(`#param-${k}`).placeholder, key);
      assert(
        (await placeholder('originalSize')) === '32×32',
        `default original size: ${await placeholder('originalSize')}`,
      );
      assert((await placeholder('cropTopLeft')) === '0,0', 'default crop');
      await page.fill('#param-width input', '128');
      assert((await placeholder('targetSize')) === '128×32', 'the default follows the size');
      await page.fill('#param-originalSize input', '2048');
      assert(/width×height/.test(await page.textContent('#param-originalSize-error')), 'a bad size is named');
      await page.fill('#param-originalSize input', '2048x1536');
      await page.fill('#param-width input', '32');
      assert(/SDXL/.test(await page.textContent('.family-hint')), 'the family is named');

      await pickModel(page, 'turbo');
      assert((await value(page, 'steps')) === '1', `turbo steps: ${await value(page, 'steps')}`);
      assert((await value(page, 'guidanceScale')) === '0', 'guidance off');
      assert((await value(page, 'sampler-input')) === "Model's own scheduler", "the model's own (trailing) scheduler");
      const hint = await page.textContent('.family-hint');
      assert(/SD-Turbo, distilled: set to its 1 step, guidance off/.test(hint) && /trailing/.test(hint), hint);
      assert(!(await visible(page, 'originalSize')), 'no micro-conditioning for an SD-Turbo');
      await pickModel(page, 'sd');
      assert((await value(page, 'steps')) === '50', "back on SD 1.x: its family's steps");
      assert((await value(page, 'guidanceScale')) === '7.5', 'and its guidance');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'at 730×700 the form sits below the results; a new run brings its images into view, Generate stays in view',
    async run(browser) {
      const { page, errors } = await opened(browser, { width: 730, height: 700 });
      const run = {
        id: 'r1',
        createdAt: '2026-01-01T00:00:00.000Z',
        spec: { modelDir: '/m', prompt: 'p', negativePrompt: '', seed: 7, steps: 4, guidanceScale: 7.5 },
        modelLabel: 'tiny-sd',
        status: 'running',
        images: [],
      };
      run.spec = { ...run.spec, guidanceRescale: 0, width: 32, height: 32, batchSize: 1 };
      await post(page, { type: 'runStarted', run });
      await post(page, { type: 'runFinished', run: { ...run, status: 'done', images: [] }, pngs: [] });
      // The user is down in the form (e.g. at the seed) and generates again.
      await page.evaluate(() => document.querySelector('#param-seed').scrollIntoView());
      const before = await page.evaluate(() => document.querySelector('.run').getBoundingClientRect().top);
      assert(before < 0, `scrolled past the results: ${before}`);
      const toolSampler = { tool: 'a1111', sampler: 'DPM++ 2M', schedule: 'Karras' };
      await post(page, { type: 'runStarted', run: { ...run, id: 'r2', spec: { ...run.spec, toolSampler } } });
      await page.waitForFunction(() => {
        const { top } = document.querySelector('.run').getBoundingClientRect();
        return top >= 0 && top < 20;
      });
      const box = await page.evaluate(() => {
        const r = (sel) => document.querySelector(sel).getBoundingClientRect().toJSON();
        const generate = [...document.querySelectorAll('vscode-button')].find((b) => b.textContent === 'Generate');
        return { run: r('.run'), form: r('.form-column'), generate: generate.getBoundingClientRect().toJSON() };
      });
      assert(box.run.bottom <= box.form.top + 1, 'results above the form');
      const status = await page.textContent('.status');
      assert(/· A1111 DPM\+\+ 2M Karras ·/.test(status), `the status names the tool's sampler: ${status}`);
      assert(box.generate.top >= 0 && box.generate.bottom <= 700, `Generate in view: ${JSON.stringify(box.generate)}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
