// A schedule handed to the workbench (the schedule inspector's "Generate with this schedule") shows
// as a chip in place of the sampler picker and spacing, fixes the steps it lists, and can be dropped.
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';
import { workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [
  { id: 'm1', label: 'tiny-shapes (default)', sizeMultiple: 8, nativeSize: 32, guidanceScale: 3, previews: ['latent'] },
];
const form = workbenchForm({ seed: '7', steps: '20', guidanceScale: '3', sampler: 'EulerDiscreteScheduler' });
const schedule = {
  label: 'five steps',
  scheduler: { _class_name: 'EulerDiscreteScheduler' },
  timesteps: [999, 800, 600, 400, 200],
};

const visible = (page, selector) =>
  page.evaluate((sel) => {
    const e = document.querySelector(sel);
    return !!e && e.getClientRects().length > 0;
  }, selector);

export const tests = [
  {
    name: 'a handed-over schedule replaces the sampler controls, fixes its steps, generates, and drops back to the form',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, {
        type: 'snapshot',
        snapshot: { ...workbenchSnapshot({ form, models }), schedule },
      });
      await page.waitForFunction(() =>
        document.querySelector('.schedule-chip')?.textContent.includes('Schedule: five steps'),
      );
      assert(await visible(page, '.schedule-chip'), 'the chip is shown');
      assert(
        /EulerDiscreteScheduler · 5 explicit steps \(timesteps\)/.test(await page.textContent('.schedule-chip')),
        await page.textContent('.schedule-chip'),
      );
      for (const key of ['sampler', 'spacing'])
        assert(!(await visible(page, `#param-${key}`)), `${key} is hidden while a schedule is set`);
      assert(
        (await page.evaluate(() => document.querySelector('#param-steps').value)) === '5',
        "steps show the schedule's count",
      );
      assert(await page.evaluate(() => document.querySelector('#param-steps').disabled), 'steps are locked');
      await page.keyboard.press('Control+Enter');
      await expectPosted(page, 'generate', 'Ctrl+Enter generates with the schedule set');
      assert(
        (await posted(page)).find((m) => m.type === 'generate').form.steps === '5',
        "the form sent carries the schedule's steps",
      );

      await page.click('.schedule-chip vscode-button');
      await expectPosted(page, 'dropSchedule', "the chip's button asks the host to drop the schedule");
      await post(page, { type: 'schedule' });
      await page.waitForFunction(() => document.querySelector('.schedule-chip')?.hidden === true);
      assert(await visible(page, '#param-sampler'), 'the sampler is back');
      assert(!(await page.evaluate(() => document.querySelector('#param-steps').disabled)), 'steps are editable again');
      assert(
        (await page.evaluate(() => document.querySelector('#param-steps').value)) === '20',
        'the steps typed before come back',
      );

      // A config-only schedule keeps the form's step count editable.
      await post(page, {
        type: 'schedule',
        schedule: { label: 'sd15', scheduler: { _class_name: 'DDIMScheduler', timestep_spacing: 'trailing' } },
      });
      await page.waitForFunction(() =>
        document.querySelector('.schedule-chip')?.textContent.includes('Schedule: sd15'),
      );
      assert(
        !(await page.evaluate(() => document.querySelector('#param-steps').disabled)),
        'a config schedule leaves steps editable',
      );
      assert(!(await visible(page, '#param-sampler')), 'but replaces the sampler');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
