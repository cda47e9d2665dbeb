// The workbench's guidance field offers each model's recommended scale (ModelOption.guidanceScale)
// when the model changes, and keeps a value the user typed.
import { assert, openSurface, post } from './harness.mjs';
import { pickModel, workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [
  { id: 'm1', label: 'tiny-shapes (default)', sizeMultiple: 8, nativeSize: 32, guidanceScale: 3, previews: ['latent'] },
  { id: 'm2', label: 'tiny-sd', sizeMultiple: 8, nativeSize: 64, guidanceScale: 7.5, previews: ['latent'] },
];
const form = workbenchForm({ guidanceScale: '3' });

const guidance = (page) => page.evaluate(() => document.querySelector('#param-guidanceScale').value);

export const tests = [
  {
    name: "a model change offers the new model's guidance unless the user typed their own",
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, {
        type: 'snapshot',
        snapshot: workbenchSnapshot({ form, models }),
      });
      await page.waitForFunction(
        () => document.querySelector('#param-modelId')?.querySelectorAll('vscode-option').length === 2,
      );
      await page.waitForFunction(() => document.querySelector('#param-guidanceScale')?.value === '3');
      await pickModel(page, 'm2');
      assert((await guidance(page)) === '7.5', `after picking tiny-sd guidance reads ${await guidance(page)}`);
      await page.fill('#param-guidanceScale input', '5');
      await pickModel(page, 'm1');
      assert((await guidance(page)) === '5', `a typed 5 became ${await guidance(page)}`);
      // A browsed-to model is selected by the host; its default is offered like a picked one's.
      await page.fill('#param-guidanceScale input', '3');
      const browsed = {
        id: 'm3',
        label: 'my-model',
        sizeMultiple: 8,
        nativeSize: 64,
        guidanceScale: 4,
        previews: ['latent'],
      };
      await post(page, { type: 'models', models: [...models, browsed], selectId: 'm3' });
      await page
        .waitForFunction(() => document.querySelector('#param-guidanceScale')?.value === '4', null, { timeout: 5000 })
        .catch(() => {});
      assert(
        (await guidance(page)) === '4',
        `after browsing to a model recommending 4, guidance reads ${await guidance(page)}`,
      );
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
