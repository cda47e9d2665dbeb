// The forward view in latent space and its captions: choosing "model's latents" asks the host for one
// picture per schedule at the slider's t (only the newest while one is out); the decoded pictures and
// the latents are drawn when they come; a failure is named; and the captions wrap between quantities
// (never inside "σ 25.74") in a narrow panel.
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';

const SIZE = 64;

function image() {
  const rgba = new Uint8Array(SIZE * SIZE * 4).fill(128);
  return { label: 'grey.png', width: SIZE, height: SIZE, rgba };
}

/** A flat picture of one colour. */
function flat(width, height, value) {
  const rgba = new Uint8Array(width * height * 4).fill(value);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  return { width, height, rgba };
}

async function open(browser, options = {}) {
  const state = { t: 800, seed: 3, sampler: '', spacing: '', steps: 50, space: 'pixel' };
  const opened = await openSurface(browser, 'forward', { state, ...options });
  await expectPosted(opened.page, 'ready', 'ready');
  await post(opened.page, { type: 'schedules', version: 1, source: { schedules: [] } });
  await post(opened.page, { type: 'image', image: image() });
  await opened.page.waitForFunction(() => document.body.dataset.renderedT === '800:3');
  return opened;
}

const latentRequests = async (page) => (await posted(page)).filter((m) => m.type === 'latent');

export const tests = [
  {
    name: 'latent space: one level per schedule is asked, the newest only while one is out; answers are drawn',
    async run(browser) {
      const { page, errors } = await open(browser);
      const columns = await page.$$eval('canvas[data-column]', (els) => els.length);
      assert(columns >= 3, `${columns} schedules`);
      assert((await latentRequests(page)).length === 0, 'pixel space asks the host nothing');
      await page.selectOption('#space', 'latent');
      await expectPosted(page, 'latent', 'latent space asks the host');
      const [first] = await latentRequests(page);
      assert(first.seed === 3 && first.levels.length === columns, JSON.stringify(first));
      for (const l of first.levels) {
        const sum = l.signal ** 2 + l.noise ** 2;
        assert(Math.abs(sum - 1) < 1e-6 && l.signal < 0.5, `√ᾱ and √(1 − ᾱ) at t = 800: ${JSON.stringify(l)}`);
      }
      // Two slider moves while the first is out: only the last is asked next.
      for (const t of [100, 0]) {
        await page.$eval(
          'input[type=range]',
          (el, v) => {
            el.value = String(v);
            el.dispatchEvent(new Event('input'));
          },
          t,
        );
        await page.waitForFunction((k) => document.body.dataset.renderedT === `${k}:3`, t);
      }
      assert((await latentRequests(page)).length === 1, 'one request out at a time');
      const images = Array.from({ length: columns }, (_, i) => flat(SIZE, SIZE, 40 + i));
      const previews = Array.from({ length: columns }, () => flat(8, 8, 200));
      await post(page, { type: 'latentFrames', request: first.request, model: 'tiny-sd15', images, previews });
      await page.waitForFunction(() => document.body.dataset.latentFrames === '1');
      const drawn = await page.$$eval('canvas[data-column]', (els) =>
        els.map((c) => c.getContext('2d').getImageData(0, 0, 1, 1).data[0]),
      );
      assert(drawn.join() === images.map((_, i) => 40 + i).join(), `decoded pictures drawn: ${drawn}`);
      const preview = await page.$eval('.latent-preview', (c) => [c.hidden, c.width, c.height].join());
      assert(preview === 'false,8,8', `the latent shown: ${preview}`);
      assert(/Latent space of tiny-sd15/.test(await page.textContent('.status')), 'the model is named');
      const requests = await latentRequests(page);
      assert(requests.length === 2 && requests[1].levels[0].signal > 0.99, 'then t = 0 is asked');
      await post(page, { type: 'latentFailed', request: requests[1].request, message: 'no vae_encoder/model.onnx' });
      await page.waitForFunction(() => /vae_encoder/.test(document.querySelector('.status').textContent));
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'captions wrap between quantities, never inside one, in a narrow panel',
    async run(browser) {
      const { page, errors } = await open(browser, { width: 360, height: 900 });
      const split = await page.$$eval('.quantity', (els) =>
        els.filter((e) => e.getClientRects().length > 1).map((e) => e.textContent),
      );
      assert(split.length === 0, `quantities broken across lines: ${split}`);
      const readout = await page.textContent('.readout');
      assert(/^t = 800 · ᾱ .+ · σ .+ · SNR .+$/.test(readout), `readout text: ${readout}`);
      const lines = await page.$eval('.readout', (e) => Math.round(e.getBoundingClientRect().height / 14));
      assert(lines >= 2, `the narrow caption wraps (${lines} lines)`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
];
