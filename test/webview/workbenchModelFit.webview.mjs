// What a model's graphs refuse (ModelOption.fit, src/protocol/modelFit.ts) is named under its field as
// the form is edited: a fixed-size UNet's size (picking the model takes its size), and a folder that
// does not run as a run's model under Model.
import { assert, openSurface, post } from './harness.mjs';
import { pickModel, workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const fit = (name, more = {}) => ({
  name,
  family: 'sd1',
  vaeScale: 8,
  fixedLatent: {},
  recommended: { width: 64, height: 64 },
  timeIds: false,
  scheduler: {},
  ...more,
});
const option = (id, label, more) => ({ id, label, sizeMultiple: 8, nativeSize: 64, previews: ['latent'], ...more });
const models = [
  option('m1', 'tiny-sd (default)', { nativeSize: 32, fit: fit('tiny-sd') }),
  option('m2', 'tiny-sd-static', { fit: fit('tiny-sd-static', { fixedLatent: { width: 8, height: 8 } }) }),
  option('m3', 'tiny-sdxl-refiner', {
    fit: 'tiny-sdxl-refiner/unet/model.onnx: an SDXL refiner runs only as the second stage',
  }),
];

const read = (page, key) =>
  page.evaluate(
    (k) => [document.querySelector(`#param-${k}`).value, document.querySelector(`#param-${k}-error`).textContent],
    key,
  );

export const tests = [
  {
    name: "a fixed-size model's size is taken when it is picked, and another size is named under Width",
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench');
      await post(page, { type: 'snapshot', snapshot: workbenchSnapshot({ form: workbenchForm(), models }) });
      await page.waitForFunction(
        () => document.querySelector('#param-modelId')?.querySelectorAll('vscode-option').length === 3,
      );
      await pickModel(page, 'm2');
      const [width, widthError] = await read(page, 'width');
      assert(width === '64' && widthError === '', `after picking the fixed-size model: ${width}, "${widthError}"`);
      await page.fill('#param-width input', '128');
      await page.waitForFunction(() => document.querySelector('#param-width-error').textContent !== '');
      const [, fixed] = await read(page, 'width');
      assert(fixed === "Width must be 64: tiny-sd-static's UNet takes a fixed size.", `width error: "${fixed}"`);
      await pickModel(page, 'm1');
      const [, free] = await read(page, 'width');
      assert(free === '', `a model of any size takes 128: "${free}"`);
      await pickModel(page, 'm3');
      const [, refiner] = await read(page, 'modelId');
      assert(/^tiny-sdxl-refiner\/unet\/model\.onnx: an SDXL refiner/.test(refiner), `model error: "${refiner}"`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
