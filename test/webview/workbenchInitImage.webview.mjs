// The workbench's Init image section: an image from the host is shown, a mask painted over it (brush,
// erase) reaches the host as a black-and-white PNG of the image's size, strength and mask blur are
// checked as typed (and ComfyUI's grow_mask_by, shown for VAEEncodeForInpaint), a dropped file that is not
// an image is named, the host's errors show under their field, and "Generate on this image" runs on the image
// on view.
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';
import { workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [
  { id: 'm1', label: 'tiny-sd', sizeMultiple: 8, nativeSize: 32, guidanceScale: 3, previews: ['latent'] },
];
const snapshot = workbenchSnapshot({ form: workbenchForm({ seed: '7' }), models, samplers: [] });
const SIDE = 64;

/** A SIDE×SIDE grey PNG made in the page. */
function png(page) {
  return page.evaluate(async (side) => {
    const c = Object.assign(document.createElement('canvas'), { width: side, height: side });
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, side, side);
    return [...new Uint8Array(await (await new Promise((r) => c.toBlob(r))).arrayBuffer())];
  }, SIDE);
}

/** The workbench with an init image from the host. */
async function withImage(browser) {
  const surface = await openSurface(browser, 'workbench', { width: 1400, height: 1000 });
  const { page } = surface;
  await post(page, { type: 'snapshot', snapshot });
  await page.waitForFunction(() => document.querySelector('#param-prompt')?.value === 'a red circle');
  assert(await page.isHidden('.init-body'), 'no image: only the choose/drop controls');
  const bytes = new Uint8Array(await png(page));
  const image = { id: 'img-1', label: 'grey.png', width: SIDE, height: SIDE, bytes, mime: 'image/png' };
  await post(page, { type: 'initImage', image });
  await page.waitForFunction(() => document.querySelector('.init-stage img')?.naturalWidth > 0);
  return surface;
}

/** Picks `value` in the select `id`, as a user's choice does (the select's change event). */
function choose(page, id, value) {
  return page.evaluate(
    ([id, v]) => {
      const select = document.querySelector(id);
      select.value = v;
      select.dispatchEvent(new Event('change'));
    },
    [id, value],
  );
}

function setMode(page, mode) {
  return choose(page, '#init-mode', mode);
}

/** Drags the brush across the canvas from (x0, y0) to (x1, y1), in fractions of its size. */
async function drag(page, [x0, y0], [x1, y1]) {
  await page.locator('.mask-canvas').scrollIntoViewIfNeeded();
  const box = await page.locator('.mask-canvas').boundingBox();
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(x0, y0));
  await page.mouse.down();
  for (let k = 1; k <= 8; k++) await page.mouse.move(...at(x0 + ((x1 - x0) * k) / 8, y0 + ((y1 - y0) * k) / 8));
  await page.mouse.up();
}

/** Presses Generate and returns the generate message it posted (undefined when none came). */
async function generate(page) {
  const before = (await posted(page)).filter((m) => m.type === 'generate').length;
  await page.click('vscode-button:text-is("Generate")');
  await page
    .waitForFunction((n) => window.__posted.filter((m) => m.type === 'generate').length > n, before, { timeout: 2000 })
    .catch(() => undefined);
  return (await posted(page)).filter((m) => m.type === 'generate')[before];
}

/** The mask PNG's grey value at (x, y) pixels, decoded in the page. */
function maskValues(page, mask, points) {
  return page.evaluate(
    async ({ bytes, points }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const c = Object.assign(document.createElement('canvas'), { width: bitmap.width, height: bitmap.height });
      const ctx = c.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      const values = points.map(([x, y]) => [...ctx.getImageData(x, y, 1, 1).data]);
      return { width: bitmap.width, height: bitmap.height, values };
    },
    { bytes: [...mask], points },
  );
}

export const tests = [
  {
    name: 'a mask painted over the init image reaches the host as a white-on-black PNG of its size; erase takes paint off',
    async run(browser) {
      const { page, errors } = await withImage(browser);
      await setMode(page, 'inpaint');
      await page.waitForSelector('.mask-canvas', { state: 'visible' });
      // Inpainting without a mask is named at Generate, and nothing is sent.
      assert((await generate(page)) === undefined, 'no run without a mask');
      assert(/Paint the part to repaint/.test(await page.textContent('#init-mask-error')), 'missing mask named');
      // A stroke down the left quarter, then a stroke erased at its bottom.
      await drag(page, [0.2, 0.05], [0.2, 0.95]);
      await page.click('vscode-button:text-is("Erase")');
      await drag(page, [0.1, 0.85], [0.3, 0.85]);
      await page.fill('#init-mask-blur input', '2');
      const m = await generate(page);
      assert(m?.image, `generate carries the image input: ${JSON.stringify(m)}`);
      const { mode, initImageId, strength, maskBlur, mask } = m.image;
      assert(mode === 'inpaint' && initImageId === 'img-1', `${mode} ${initImageId}`);
      assert(strength === '0.75' && maskBlur === '2', `strength ${strength}, blur ${maskBlur}`);
      const points = [
        [13, 32], // painted
        [13, 54], // painted, then erased
        [48, 32], // never painted
      ];
      const decoded = await maskValues(page, mask, points);
      assert(decoded.width === SIDE && decoded.height === SIDE, `mask ${decoded.width}×${decoded.height}`);
      const [painted, erased, untouched] = decoded.values;
      assert(painted.join() === '255,255,255,255', `painted pixel white: ${painted}`);
      assert(erased.join() === '0,0,0,255', `erased pixel black: ${erased}`);
      assert(untouched.join() === '0,0,0,255', `untouched pixel black: ${untouched}`);
      // Clear mask: inpainting needs a mask again.
      await page.click('vscode-button:text-is("Clear mask")');
      assert((await generate(page)) === undefined, 'a cleared mask sends nothing');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: "ComfyUI's VAEEncodeForInpaint shows its grow_mask_by, checked as typed and sent with the node",
    async run(browser) {
      const { page, errors } = await withImage(browser);
      await setMode(page, 'inpaint');
      await page.waitForSelector('.mask-canvas', { state: 'visible' });
      assert(await page.isHidden('#init-grow-mask-by'), 'no grow field for SetLatentNoiseMask');
      await choose(page, '#init-inpaint-node', 'VAEEncodeForInpaint');
      await page.waitForSelector('#init-grow-mask-by', { state: 'visible' });
      assert((await page.inputValue('#init-grow-mask-by input')) === '6', "the node's default grow");
      await page.fill('#init-grow-mask-by input', '70');
      await page.waitForFunction(() =>
        /from 0 to 64/.test(document.querySelector('#init-growMaskBy-error').textContent),
      );
      await page.fill('#init-grow-mask-by input', '4');
      await page.waitForFunction(() => document.querySelector('#init-growMaskBy-error').textContent === '');
      await drag(page, [0.5, 0.2], [0.5, 0.8]);
      const m = await generate(page);
      const { inpaintNode, growMaskBy } = m?.image ?? {};
      assert(inpaintNode === 'VAEEncodeForInpaint' && growMaskBy === '4', `sent: ${inpaintNode} ${growMaskBy}`);
      await choose(page, '#init-inpaint-node', 'InpaintModelConditioning');
      await page.waitForSelector('#init-grow-mask-by', { state: 'hidden' });
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'strength and mask blur are checked as typed; a valid image-to-image run sends its strength and no mask',
    async run(browser) {
      const { page, errors } = await withImage(browser);
      await page.fill('#init-strength input', '1.5');
      await page.waitForFunction(() => /from 0 to 1/.test(document.querySelector('#init-strength-error').textContent));
      assert((await generate(page)) === undefined, 'no run with strength 1.5');
      await page.fill('#init-strength input', '0.4');
      await page.waitForFunction(() => document.querySelector('#init-strength-error').textContent === '');
      const m = await generate(page);
      assert(m?.image?.mode === 'img2img' && m.image.strength === '0.4', `img2img: ${JSON.stringify(m?.image)}`);
      assert(m.image.mask === undefined, 'image-to-image sends no mask');
      // Inversion hides strength and sends no strength check.
      await page.fill('#init-strength input', 'x');
      await setMode(page, 'invert');
      assert(await page.isHidden('#init-strength'), 'inversion has no strength');
      assert((await generate(page))?.image?.mode === 'invert', 'inversion runs');
      await setMode(page, 'inpaint');
      await page.fill('#init-mask-blur input', '100');
      await page.waitForFunction(() => /from 0 to 64/.test(document.querySelector('#init-maskBlur-error').textContent));
      // Clear drops the image: runs are text-to-image again.
      await page.click('.init-image vscode-button:text-is("Clear")');
      assert(await page.isHidden('.init-body'), 'cleared');
      assert((await generate(page))?.image === undefined, 'text-to-image after Clear');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'a dropped file that is not an image is named; a PNG goes to the host; host errors show under their field',
    async run(browser) {
      const { page, errors } = await withImage(browser);
      const drop = (name, bytes) =>
        page.evaluate(
          ({ name, bytes }) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name));
            const target = document.querySelector('.init-image');
            target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
          },
          { name, bytes },
        );
      await drop('notes.txt', [104, 105]);
      await page.waitForFunction(() =>
        /notes\.txt is not a PNG or JPEG/.test(document.querySelector('#init-initImage-error').textContent),
      );
      assert(!(await posted(page)).some((m) => m.type === 'dropInitImage'), 'a text file is not sent');
      await drop('red.png', await png(page));
      await expectPosted(page, 'dropInitImage', 'a PNG is sent to the host');
      const sent = (await posted(page)).find((m) => m.type === 'dropInitImage');
      assert(sent.name === 'red.png' && sent.bytes[0] === 0x89, `dropped: ${sent.name}`);
      await post(page, { type: 'imageErrors', errors: { mask: 'The mask is 8×16 but the init image is 64×64.' } });
      await page.waitForFunction(() => /8×16/.test(document.querySelector('#init-mask-error').textContent));
      await page.click('vscode-button:text-is("Choose image…")');
      await expectPosted(page, 'pickInitImage', 'Choose image asks the host');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: "a restored run's settings and mask file fill the section (re-run from image); Generate sends them",
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench', { width: 1400, height: 1000 });
      await post(page, { type: 'snapshot', snapshot });
      const bytes = new Uint8Array(await png(page));
      const image = { id: 'img-3', label: 'grey.png', width: SIDE, height: SIDE, bytes, mime: 'image/png' };
      const settings = { mode: 'inpaint', strength: '0.3', maskBlur: '2' };
      await post(page, { type: 'initImage', image, settings });
      // A mask file whose left half is white.
      const mask = await page.evaluate(async (side) => {
        const c = Object.assign(document.createElement('canvas'), { width: side, height: side });
        const ctx = c.getContext('2d');
        ctx.fillStyle = '#000';
        ctx.fillRect(0, 0, side, side);
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, side / 2, side);
        return [...new Uint8Array(await (await new Promise((r) => c.toBlob(r))).arrayBuffer())];
      }, SIDE);
      await post(page, { type: 'maskFile', label: 'left.png', bytes: new Uint8Array(mask), mime: 'image/png' });
      await page.waitForSelector('.mask-canvas', { state: 'visible' });
      await page.waitForFunction(() => {
        const c = document.querySelector('.mask-canvas');
        return c.getContext('2d').getImageData(4, 4, 1, 1).data[3] === 255;
      });
      const m = await generate(page);
      const { mode, strength, maskBlur } = m?.image ?? {};
      assert(mode === 'inpaint' && strength === '0.3' && maskBlur === '2', JSON.stringify(m?.image));
      const { values } = await maskValues(page, m.image.mask, [
        [8, 32],
        [56, 32],
      ]);
      assert(values[0][0] === 255 && values[1][0] === 0, `the loaded mask is sent: ${values}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: '"Generate on this image" asks for the image on view and runs image-to-image on it',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench', { width: 1400, height: 1000 });
      await post(page, { type: 'snapshot', snapshot });
      const bytes = new Uint8Array(await png(page));
      const spec = { modelDir: '/m', prompt: 'p', negativePrompt: '', seed: 7, steps: 4, guidanceRescale: 0 };
      const run = { id: 'r1', createdAt: '2026-01-01T00:00:00.000Z', spec, modelLabel: 'tiny-sd', images: [] };
      await post(page, { type: 'runStarted', run: { ...run, status: 'running' } });
      const images = [{ seed: 7, width: SIDE, height: SIDE }];
      await post(page, { type: 'runFinished', run: { ...run, status: 'done', images }, pngs: [bytes] });
      await page.click('vscode-button:text-is("Generate on this image")');
      await expectPosted(page, 'useRunImage', 'the image on view is asked for');
      const asked = (await posted(page)).find((m) => m.type === 'useRunImage');
      assert(asked.runId === 'r1' && asked.index === 0 && asked.generate === true, JSON.stringify(asked));
      const image = { id: 'img-2', label: 'r1-1.png', width: SIDE, height: SIDE, bytes, mime: 'image/png' };
      await post(page, { type: 'initImage', image, generate: true });
      await expectPosted(page, 'generate', 'it runs once the image is there');
      const m = (await posted(page)).find((x) => x.type === 'generate');
      assert(m.image?.initImageId === 'img-2' && m.image.mode === 'img2img', JSON.stringify(m.image));
      // An inversion's status line gives the reconstruction's PSNR.
      const inverted = { ...run, id: 'r2', spec: { ...spec, initImage: '/i.png', invert: true } };
      await post(page, { type: 'runStarted', run: { ...inverted, status: 'running' } });
      await post(page, {
        type: 'runFinished',
        run: { ...inverted, status: 'done', images, psnr: 42.21 },
        pngs: [bytes],
      });
      await page.waitForFunction(() =>
        /inverted, reconstruction PSNR 42\.2 dB/.test(document.querySelector('.status').textContent),
      );
      await page.click('.image-tile [data-action="initImage"]');
      await page.waitForFunction(() => window.__posted.some((x) => x.action === 'initImage'));
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
