// The image panel (webview/image) with a stand-in host: it asks for its state, shows an empty
// state, and draws each image's exact pixels with its caption.
import { assert, expectPosted, openSurface, post } from './harness.mjs';

/** A w×h RGBA gradient whose every pixel is distinct in its first two channels. */
function gradient(w, h) {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rgba.set([x * 4, y * 4, 128, 255], (y * w + x) * 4);
  }
  return rgba;
}

export const tests = [
  {
    name: 'asks for the current run, then shows the empty state',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'image');
      await expectPosted(page, 'ready', 'the panel did not ask for its state');
      await post(page, { type: 'empty' });
      await page.locator('.empty', { hasText: 'No image here' }).waitFor({ timeout: 5_000 });
      assert(errors.length === 0, errors.join('\n'));
      await page.close();
    },
  },
  {
    name: 'draws every image of a run with its exact pixels and caption',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'image');
      const images = [
        { width: 16, height: 8, rgba: gradient(16, 8), caption: 'seed 1 · 16×8' },
        { width: 8, height: 8, rgba: new Uint8Array(8 * 8 * 4).fill(200), caption: 'seed 2 · 8×8' },
      ];
      await post(page, { type: 'run', run: { prompt: 'a <b>bold</b> prompt', summary: '4 steps', images } });
      await page.locator('canvas').nth(1).waitFor({ timeout: 5_000 });
      const drawn = await page.evaluate(() =>
        [...document.querySelectorAll('figure')].map((figure) => {
          const canvas = figure.querySelector('canvas');
          const pixel = (x, y) => [...canvas.getContext('2d').getImageData(x, y, 1, 1).data];
          return {
            width: canvas.width,
            height: canvas.height,
            label: canvas.getAttribute('aria-label'),
            caption: figure.querySelector('figcaption').textContent,
            corner: pixel(15 % canvas.width, 7),
            origin: pixel(0, 0),
          };
        }),
      );
      assert(drawn.length === 2, `${drawn.length} images drawn`);
      assert(drawn[0].width === 16 && drawn[0].height === 8, `first image is ${drawn[0].width}×${drawn[0].height}`);
      assert(drawn[0].corner.join() === '60,28,128,255', `pixel (15,7) is ${drawn[0].corner}`);
      assert(drawn[0].origin.join() === '0,0,128,255', `pixel (0,0) is ${drawn[0].origin}`);
      assert(drawn[1].origin.join() === '200,200,200,200', `second image pixel is ${drawn[1].origin}`);
      assert(drawn[0].caption === 'seed 1 · 16×8' && drawn[0].label === 'seed 1 · 16×8', 'caption and label');
      // The prompt is text, never markup.
      assert((await page.locator('h1').textContent()) === 'a <b>bold</b> prompt', 'prompt heading');
      assert((await page.locator('h1 b').count()) === 0, 'the prompt was parsed as HTML');
      assert(errors.length === 0, errors.join('\n'));
      await page.close();
    },
  },
];
