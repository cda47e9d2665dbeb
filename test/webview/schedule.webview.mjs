// The schedule inspector surface: plots appear for a document, follow edits, survive broken input
// with an inline error, and export PNG, SVG and CSV.
import { readFileSync } from 'node:fs';
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';

const sdxl = JSON.parse(readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8'));

function documentMessage(version, schedules, extra = {}) {
  return { type: 'document', version, source: { id: 'document', label: 'sdxl', schedules, findings: [], ...extra } };
}

async function rendered(page, version) {
  await page.waitForFunction((v) => document.body.dataset.renderedVersion === String(v), version, { timeout: 10000 });
}

/** Number of non-background pixels of a plot's canvas: 0 means nothing was drawn. */
function inkedPixels(page, plotId) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-plot="${id}"] canvas`);
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  }, plotId);
}

/** Legend labels of one plot (series names after the x label). */
function legendLabels(page, plotId) {
  return page.evaluate(
    (id) => [...document.querySelectorAll(`[data-plot="${id}"] .u-legend .u-label`)].slice(1).map((e) => e.textContent),
    plotId,
  );
}

export const tests = [
  {
    name: 'draws every plot for a scheduler config and reports its facts',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'schedule');
      await expectPosted(page, 'ready', 'the webview asks for the document on start');
      await post(page, documentMessage(1, [{ name: 'sdxl', config: sdxl }]));
      await rendered(page, 1);
      const ids = await page.$$eval('[data-plot]', (els) => els.map((e) => e.dataset.plot));
      assert(
        JSON.stringify(ids) ===
          JSON.stringify(['beta', 'alphaBar', 'logSnr', 'sigma', 'timesteps', 'stepSigmas', 'logSnrGap']),
        `plots: ${ids}`,
      );
      for (const id of ids) assert((await inkedPixels(page, id)) > 500, `plot ${id} has ink`);
      const facts = await page.textContent('.facts');
      // SD's scaled_linear 0.00085→0.012: terminal SNR 0.0047, σ up to 14.61 (FACTS.md).
      assert(/terminal SNR 0\.004[67]/.test(facts), `facts: ${facts}`);
      assert(/to 14\.61/.test(facts), `σ max in facts: ${facts}`);
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'hover shows readouts of every series at the cursor',
    async run(browser) {
      const { page } = await openSurface(browser, 'schedule');
      await post(page, documentMessage(1, [{ name: 'sdxl', config: sdxl }]));
      await rendered(page, 1);
      // Off the plot, the σ-steps legend reads the last σ drawn (step 19), not the final 0 a log axis leaves out.
      const resting = await page.$$eval('[data-plot="stepSigmas"] .u-legend .u-value', (els) =>
        els.map((e) => e.textContent),
      );
      assert(resting[0] === '19' && Number(resting[1]) > 0, `σ-steps legend at rest: ${resting}`);
      const over = await page.$('[data-plot="sigma"] .u-over');
      const box = await over.boundingBox();
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
      const values = await page.$$eval('[data-plot="sigma"] .u-legend .u-value', (els) =>
        els.map((e) => e.textContent),
      );
      // x near the last training timestep, where SD's σ climbs from about 13 to 14.61.
      assert(Number(values[0]) > 990, `x readout ${values[0]}`);
      assert(Number(values[1]) > 13 && Number(values[1]) <= 14.615, `σ readout ${values[1]}`);
      await page.close();
    },
  },
  {
    name: 'variants and overlays add labelled curves; changing steps redraws the step plots',
    async run(browser) {
      const { page } = await openSurface(browser, 'schedule', {
        state: { sampler: '', steps: 10, primary: '', variants: ['zeroSnr', 'trailing'] },
      });
      await post(page, {
        type: 'overlays',
        overlays: [
          {
            id: 'overlay-1',
            label: 'other.json',
            schedules: [{ name: 'ddim', config: { ...sdxl, _class_name: 'DDIMScheduler' } }],
            findings: [],
          },
        ],
      });
      await post(page, documentMessage(1, [{ name: 'sdxl', config: sdxl }]));
      await rendered(page, 1);
      const labels = await legendLabels(page, 'sigma');
      assert(
        JSON.stringify(labels) === JSON.stringify(['sdxl', 'sdxl · zero-SNR on', 'sdxl · trailing', 'other.json']),
        `labels ${labels}`,
      );
      const before = await page.$$eval('[data-plot="timesteps"] .u-legend', (e) => e.length);
      assert(before === 1, 'one legend');
      await page.fill('header input[type=number]', '25');
      await page.dispatchEvent('header input[type=number]', 'change');
      const state = await page.evaluate(() => window.__state);
      assert(state.steps === 25, `state keeps steps: ${JSON.stringify(state)}`);
      const count = await page.evaluate(() => document.querySelector('.facts').textContent);
      assert(/25 model calls/.test(count), `facts after 25 steps: ${count}`);
      // Every schedule drawn lists its timesteps: Steps shows their count and cannot change it; an overlay
      // it sets, or a second schedule in the document, gives it back.
      const steps = () => page.$eval('header input[type=number]', (i) => [i.value, i.disabled]);
      await post(page, { type: 'overlays', overlays: [] });
      await post(page, documentMessage(2, [{ name: 'five', config: sdxl, timesteps: [999, 799, 599, 399, 199] }]));
      await rendered(page, 2);
      assert(JSON.stringify(await steps()) === '["5",true]', `Steps with explicit timesteps: ${await steps()}`);
      const ddim = { name: 'ddim', config: { ...sdxl, _class_name: 'DDIMScheduler' } };
      await post(page, { type: 'overlays', overlays: [{ id: 'o', label: 'o.json', schedules: [ddim], findings: [] }] });
      await page.waitForFunction(() => !document.querySelector('header input[type=number]').disabled);
      assert(JSON.stringify(await steps()) === '["25",false]', `Steps with an overlay it sets: ${await steps()}`);
      await post(page, { type: 'overlays', overlays: [] });
      const both = [
        { name: 'five', config: sdxl, timesteps: [999, 799, 599, 399, 199] },
        { name: 'sdxl', config: sdxl },
      ];
      await post(page, documentMessage(3, both));
      await rendered(page, 3);
      assert(JSON.stringify(await steps()) === '["25",false]', `Steps with a schedule it sets: ${await steps()}`);
      await page.close();
    },
  },
  {
    name: 'variants a class cannot have are named, not drawn',
    async run(browser) {
      const { page } = await openSurface(browser, 'schedule', {
        state: { sampler: '', steps: 10, primary: '', variants: ['karras', 'leading', 'trailing'] },
      });
      const ddim = { ...sdxl, _class_name: 'DDIMScheduler' };
      await post(page, documentMessage(1, [{ name: 'ddim', config: ddim }]));
      await rendered(page, 1);
      const labels = await legendLabels(page, 'sigma');
      assert(JSON.stringify(labels) === JSON.stringify(['ddim', 'ddim · trailing']), `labels ${labels}`);
      const status = await page.textContent('.status');
      assert(status.includes('ddim · karras: DDIMScheduler has no use_karras_sigmas'), status);
      assert(status.includes('ddim · leading: already leading'), status);
      await page.close();
    },
  },
  {
    name: 'broken input shows an inline error and keeps the last plots, dimmed',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'schedule');
      await post(
        page,
        documentMessage(1, [], {
          error: 'Broken JSON: A value expected at line 3 near "}".',
          findings: [
            { severity: 'error', message: 'A value expected at line 3 near "}".', code: 'syntax', path: [], line: 2 },
          ],
        }),
      );
      await rendered(page, 1);
      assert((await page.textContent('.status')).includes('Broken JSON'), 'error banner before any plot');
      assert(
        await page.$eval('.grid', (g) => g.dataset.empty !== undefined),
        'placeholder text instead of a blank view',
      );
      await post(page, documentMessage(2, [{ name: 'sdxl', config: sdxl }]));
      await rendered(page, 2);
      await post(page, documentMessage(3, [], { error: 'beta_end: expected a number, found the string "x"' }));
      await rendered(page, 3);
      assert(await page.$eval('.grid', (g) => g.classList.contains('stale')), 'last plots kept, marked stale');
      assert((await page.$$('[data-plot] canvas')).length === 7, 'plots still there');
      assert((await page.$$('.findings li')).length === 0, 'findings list follows the document');
      // A config the core rejects for one schedule: the others still draw, the problem is named.
      await post(
        page,
        documentMessage(4, [
          { name: 'good', config: sdxl },
          { name: 'bad', config: { ...sdxl, _class_name: 'NoSuchScheduler' } },
        ]),
      );
      await rendered(page, 4);
      assert((await page.textContent('.status')).includes('bad: '), 'per-schedule problem shown');
      assert(!(await page.$eval('.grid', (g) => g.classList.contains('stale'))), 'fresh plots');
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'clicking a finding asks the host to reveal its line',
    async run(browser) {
      const { page } = await openSurface(browser, 'schedule');
      const findings = [
        { severity: 'warning', message: 'steps_offset is ignored', code: 'x', path: ['steps_offset'], line: 7 },
        {
          severity: 'info',
          message: 'clip_sample belongs to other schedulers',
          code: 'y',
          path: ['clip_sample'],
          line: 4,
        },
      ];
      await post(page, documentMessage(1, [{ name: 'sdxl', config: sdxl }], { findings }));
      await rendered(page, 1);
      // Notes are folded away; problems are listed in view.
      assert((await page.textContent('.findings summary')) === '1 note', 'one folded note');
      assert(!(await page.isVisible('.findings details li')), 'notes folded');
      assert((await page.textContent('.findings > ul')).includes('steps_offset is ignored'), 'warning listed');
      await page.click('.findings > ul a');
      const reveal = (await posted(page)).find((m) => m.type === 'reveal');
      assert(reveal?.line === 7, `reveal ${JSON.stringify(reveal)}`);
      await page.close();
    },
  },
  {
    name: 'Generate with this schedule: offered for explicit timesteps and for a config, naming the schedule',
    async run(browser) {
      const { page } = await openSurface(browser, 'schedule');
      const steps = [
        { name: 'mine', config: sdxl, timesteps: [999, 500, 0] },
        { name: 'sdxl', config: sdxl },
      ];
      await post(page, documentMessage(1, steps));
      await rendered(page, 1);
      const generate = 'header button:text-is("Generate with this schedule")';
      assert(!(await page.isDisabled(generate)), 'enabled for explicit timesteps');
      assert(
        /workbench with "mine"/.test(await page.getAttribute(generate, 'title')),
        'the tooltip names the schedule',
      );
      await page.click(generate);
      const first = (await posted(page)).filter((m) => m.type === 'generate');
      assert(first.length === 1 && first[0].schedule === 'mine', `generate ${JSON.stringify(first)}`);
      await post(page, documentMessage(2, [{ name: 'sdxl', config: sdxl }]));
      await rendered(page, 2);
      assert(!(await page.isDisabled(generate)), 'enabled for a scheduler config');
      await page.click(generate);
      const sent = (await posted(page)).filter((m) => m.type === 'generate');
      assert(sent[1]?.schedule === 'sdxl', `generate ${JSON.stringify(sent)}`);
      // The workbench gets the sampler and step count chosen here, not the file's own.
      await page.selectOption('header select', 'DPMSolverMultistepScheduler');
      await page.fill('header input[type="number"]', '10');
      await page.dispatchEvent('header input[type="number"]', 'change');
      await page.click(generate);
      const chosen = (await posted(page)).filter((m) => m.type === 'generate').at(-1);
      assert(
        chosen?.sampler === 'DPMSolverMultistepScheduler' && chosen.steps === 10,
        `generate ${JSON.stringify(chosen)}`,
      );
      await page.close();
    },
  },
  {
    name: 'exports PNG, SVG and CSV of the drawn curves',
    async run(browser) {
      const { page } = await openSurface(browser, 'schedule');
      await post(page, documentMessage(1, [{ name: 'sdxl', config: sdxl }]));
      await rendered(page, 1);
      for (const label of ['PNG', 'SVG', 'CSV']) await page.click(`header button:text-is("${label}")`);
      await page.waitForFunction(() => window.__posted.filter((m) => m.type === 'export').length === 3);
      const exports = await page.evaluate(() =>
        window.__posted
          .filter((m) => m.type === 'export')
          .map((m) => ({
            format: m.format,
            fileName: m.fileName,
            head: typeof m.data === 'string' ? m.data.slice(0, 200) : Array.from(m.data.slice(0, 8)),
            size: m.data.length ?? m.data.byteLength,
            text: typeof m.data === 'string' ? m.data : '',
          })),
      );
      const png = exports.find((e) => e.format === 'png');
      assert(JSON.stringify(png.head) === JSON.stringify([137, 80, 78, 71, 13, 10, 26, 10]), 'PNG signature');
      assert(png.size > 10000, `PNG size ${png.size}`);
      const svg = exports.find((e) => e.format === 'svg');
      assert(svg.head.startsWith('<svg'), 'SVG root');
      assert((svg.text.match(/<path /g) ?? []).length === 7, 'one path per curve per plot');
      const csv = exports
        .find((e) => e.format === 'csv')
        .text.trim()
        .split('\n');
      assert(csv[0] === 'plot,series,x,y', 'CSV header');
      const sigmaRows = csv.filter((l) => l.startsWith('σ_t'));
      assert(sigmaRows.length === 1000, `σ_t rows ${sigmaRows.length}`);
      assert(Math.abs(Number(sigmaRows.at(-1).split(',').at(-1)) - 14.6146) < 1e-3, `last σ ${sigmaRows.at(-1)}`);
      assert(png.fileName === 'sdxl-schedule.png', png.fileName);
      await page.close();
    },
  },
];
