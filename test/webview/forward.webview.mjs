// The forward-process view: an image posted by the "host" is drawn noised under at least three
// schedules, each differently; the slider changes the pixels; the readout gives ᾱ, σ and SNR; the
// seed reproduces its picture; the first-step button moves t; the strip export posts PNG bytes.
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';

const SIZE = 64;

/** A test card: a red square top left on a blue-green gradient. */
function testImage() {
  const rgba = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const o = (y * SIZE + x) * 4;
      const square = x < SIZE / 2 && y < SIZE / 2;
      rgba.set(square ? [230, 20, 20, 255] : [0, (x * 255) / SIZE, (y * 255) / SIZE, 255], o);
    }
  }
  return { label: 'card.png', width: SIZE, height: SIZE, rgba };
}

async function rendered(page, t, seed = 0) {
  await page.waitForFunction((k) => document.body.dataset.renderedT === k, `${t}:${seed}`, { timeout: 10_000 });
}

/** Every canvas's pixels as a short digest (sum and a sample) per schedule column. */
function canvases(page) {
  return page.$$eval('canvas[data-column]', (els) =>
    els.map((c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let sum = 0;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        sum += data[i] * 3 + data[i + 1] * 5 + data[i + 2] * 7;
        if (data[i + 3] !== 0) ink++;
      }
      return { column: c.dataset.column, sum, ink, head: Array.from(data.slice(0, 64)).join(',') };
    }),
  );
}

async function setSlider(page, t) {
  await page.$eval(
    'input[type=range]',
    (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input'));
    },
    t,
  );
}

async function openWithImage(browser, state) {
  // Under the extension's CSP: its seeded noise compiles WebAssembly (src/core/rng/torchNormals.ts).
  const opened = await openSurface(browser, 'forward', { state, csp: true });
  await expectPosted(opened.page, 'ready', 'the webview asks for its image on start');
  await post(opened.page, { type: 'schedules', version: 1, source: { schedules: [] } });
  await post(opened.page, { type: 'image', image: testImage() });
  return opened;
}

export const tests = [
  {
    name: 'draws x_t under at least three schedules, each differently, with ᾱ, σ and SNR',
    async run(browser) {
      const { page, errors } = await openWithImage(browser, { t: 999, seed: 0, sampler: '', spacing: '', steps: 50 });
      await rendered(page, 999);
      const drawn = await canvases(page);
      assert(drawn.length >= 3, `${drawn.length} canvases`);
      for (const c of drawn) assert(c.ink === SIZE * SIZE, `${c.column} is drawn (${c.ink} opaque pixels)`);
      assert(
        new Set(drawn.map((c) => c.sum)).size === drawn.length,
        `each schedule draws its own x_t: ${drawn.map((c) => c.sum)}`,
      );
      const readouts = await page.$$eval('.readout', (els) => els.map((e) => e.textContent));
      // SD's scaled_linear at T − 1 (FACTS.md): √ᾱ = 0.068265, so ᾱ = 0.00466; σ = 14.61; SNR 0.0047.
      const sd = readouts.find((r, i) => drawn[i].column.startsWith('scaled_linear'));
      assert(/^t = 999 · ᾱ 0\.00466 · σ 14\.61 · SNR 0\.0046[78]\d*$/.test(sd), `SD readout: ${sd}`);
      // Rescaled to zero terminal SNR (Lin et al. 2023): pure noise at T − 1.
      const zero = readouts.find((r, i) => drawn[i].column.includes('zero terminal SNR'));
      assert(/ᾱ 0 · σ ∞ · SNR 0$/.test(zero), `zero-SNR readout: ${zero}`);
      for (const r of readouts) assert(/ᾱ .+ · σ .+ · SNR .+/.test(r), `readout: ${r}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'moving the slider changes the pixels; t = 0 is the image itself',
    async run(browser) {
      const { page } = await openWithImage(browser, { t: 300, seed: 0, sampler: '', spacing: '', steps: 50 });
      await rendered(page, 300);
      const before = await canvases(page);
      await setSlider(page, 900);
      await rendered(page, 900);
      const after = await canvases(page);
      for (let i = 0; i < before.length; i++)
        assert(before[i].sum !== after[i].sum, `${before[i].column} changed with t`);
      await setSlider(page, 0);
      await rendered(page, 0);
      // ᾱ_0 ≈ 0.999: the top-left pixel is the red square, within a few levels.
      const px = await page.$eval('canvas[data-column]', (c) =>
        Array.from(c.getContext('2d').getImageData(0, 0, 1, 1).data),
      );
      assert(Math.abs(px[0] - 230) < 12 && px[1] < 35 && px[2] < 35, `x_0 pixel ${px}`);
      await page.close();
    },
  },
  {
    name: 'a seed gives the same picture every time; another seed another',
    async run(browser) {
      const a = await openWithImage(browser, { t: 700, seed: 42, sampler: '', spacing: '', steps: 50 });
      await rendered(a.page, 700, 42);
      const first = await canvases(a.page);
      const b = await openWithImage(browser, { t: 700, seed: 42, sampler: '', spacing: '', steps: 50 });
      await rendered(b.page, 700, 42);
      const again = await canvases(b.page);
      assert(JSON.stringify(first) === JSON.stringify(again), 'same seed, same pixels');
      await b.page.fill('header input[type=number]', '43');
      await b.page.dispatchEvent('header input[type=number]', 'change');
      await rendered(b.page, 700, 43);
      const other = await canvases(b.page);
      assert(other[0].head !== first[0].head, 'another seed, other noise');
      await a.page.close();
      await b.page.close();
    },
  },
  {
    name: 'marks the first sampling step: ticks on the slider, and the button moves t there',
    async run(browser) {
      const { page } = await openWithImage(browser, {
        t: 100,
        seed: 0,
        sampler: 'DDIMScheduler',
        spacing: 'leading',
        steps: 50,
      });
      await rendered(page, 100);
      const ticks = await page.$$eval('.ticks span', (els) => els.map((e) => e.title));
      assert(ticks.length >= 3, `ticks: ${ticks}`);
      // DDIM, leading spacing, steps_offset 1, 50 steps: the first model call is at t = 981.
      assert(
        ticks.some((k) => /linear: first step at t = 981$/.test(k)),
        `ticks: ${ticks}`,
      );
      await page.click('.first-step button');
      await rendered(page, 981);
      assert((await page.$eval('input[type=range]', (e) => e.value)) === '981', 'slider at the first step');
      await page.selectOption('header select >> nth=1', 'trailing');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('.ticks span')].some((e) => e.title.endsWith('t = 999')),
      );
      await page.close();
    },
  },
  {
    name: 'follows a schedule document: its schedules replace the default set; a broken one keeps the last',
    async run(browser) {
      const { page } = await openWithImage(browser, { t: 500, seed: 0, sampler: '', spacing: '', steps: 20 });
      await rendered(page, 500);
      const sd = {
        _class_name: 'EulerDiscreteScheduler',
        beta_schedule: 'scaled_linear',
        beta_start: 0.00085,
        beta_end: 0.012,
      };
      const schedules = [
        { name: 'mine', config: sd },
        { name: 'cosine', config: { ...sd, beta_schedule: 'squaredcos_cap_v2' } },
      ];
      await post(page, { type: 'schedules', version: 2, source: { label: 'my', schedules } });
      await page.waitForFunction(() => document.querySelectorAll('canvas[data-column]').length === 2);
      await post(page, {
        type: 'schedules',
        version: 3,
        source: { label: 'my', schedules: [], error: 'Unexpected token' },
      });
      await page.waitForFunction(() => /Unexpected token/.test(document.querySelector('.status').textContent));
      assert((await page.$$('canvas[data-column]')).length === 2, 'the last good schedules stay');
      await page.close();
    },
  },
  {
    name: 'exports the row as one PNG strip through the host',
    async run(browser) {
      const { page } = await openWithImage(browser, { t: 400, seed: 3, sampler: '', spacing: '', steps: 50 });
      await rendered(page, 400, 3);
      await page.click('text=Export PNG strip');
      await expectPosted(page, 'export', 'the strip is sent to the host');
      const message = (await posted(page)).find((m) => m.type === 'export');
      assert(message.fileName === 'card-forward-t400-seed3.png', `file name ${message.fileName}`);
      const bytes = Object.values(message.bytes);
      assert(bytes.slice(0, 4).join() === '137,80,78,71', 'PNG signature');
      // IHDR width: four 64-px columns and three 8-px gaps.
      const width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
      assert(width === 4 * SIZE + 3 * 8, `strip width ${width}`);
      await page.close();
    },
  },
];
