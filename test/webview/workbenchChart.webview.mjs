// The step statistics chart as drawn: its axis labels (step and σ upright), whole-step ticks on a
// short run, and no label overlapping another or leaving the canvas.
import { canvasText, checkStatisticsChart, recordCanvasText } from './canvasText.mjs';
import { assert, openSurface, post } from './harness.mjs';
import { workbenchForm, workbenchSnapshot } from './workbenchFixtures.mjs';

const models = [{ id: 'm1', label: 'tiny-sd (default)', sizeMultiple: 8, nativeSize: 32, previews: ['latent'] }];
const run = {
  id: 'r1',
  createdAt: '2026-01-01T00:00:00.000Z',
  spec: {
    modelDir: '/m',
    prompt: 'a chart',
    negativePrompt: '',
    seed: 7,
    steps: 4,
    width: 32,
    height: 32,
    batchSize: 1,
  },
  modelLabel: 'tiny-sd',
  status: 'running',
  images: [],
};

/** Step `step` of 4 with a 4×4×4 latent, and the statistics the chart plots (σ falling over decades). */
function frame(step) {
  const xt = new Float32Array(64).map((_, i) => Math.sin(i + step));
  return {
    step,
    totalSteps: 4,
    t: 999 - step * 250,
    sigma: 14.6 / 10 ** step,
    mean: step * 0.1,
    std: 4 - step,
    noiseNorm: 1 - step * 0.1,
    latentShape: [4, 4, 4],
    xt,
    x0: xt.map((v) => -v),
  };
}

/** The chart of a 4-step run drawn in a workbench `width` pixels wide; returns the step axis's ticks. */
async function drawnChart(browser, width) {
  const { page, errors } = await openSurface(browser, 'workbench', { width, height: 900 });
  await post(page, { type: 'snapshot', snapshot: workbenchSnapshot({ form: workbenchForm({}), models }) });
  await post(page, { type: 'runStarted', run });
  await recordCanvasText(page, '.stats-chart');
  for (let s = 0; s < 4; s++) await post(page, { type: 'step', runId: 'r1', frame: frame(s) });
  await page.waitForFunction(() => document.querySelector('.step-viewer')?.dataset.step === '3');
  const drawn = await canvasText(page);
  const { stepTicks } = checkStatisticsChart(drawn);
  const decades = drawn.filter((d) => /^1(0*|\.0*1|e[-+]\d+)$|^0\.0*1$/.test(d.text)).length;
  assert(decades >= 3, `the σ axis labels its decades: ${drawn.map((d) => d.text)}`);
  assert(errors.length === 0, `page errors: ${errors}`);
  await page.close();
  return stepTicks;
}

export const tests = [
  {
    name: 'the statistics chart of a 4-step run: upright step and σ labels, whole-step ticks, nothing overlapping',
    async run(browser) {
      const stepTicks = await drawnChart(browser, 900);
      assert(stepTicks.join() === '1,2,3,4', `whole steps on the step axis: ${stepTicks}`);
    },
  },
  {
    name: 'off the plot, the legend reads the step on view (not dashes), and follows the scrubber',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'workbench', { width: 900, height: 900 });
      await post(page, { type: 'snapshot', snapshot: workbenchSnapshot({ form: workbenchForm({}), models }) });
      await post(page, { type: 'runStarted', run });
      for (let s = 0; s < 4; s++) await post(page, { type: 'step', runId: 'r1', frame: frame(s) });
      await page.waitForFunction(() => document.querySelector('.step-viewer')?.dataset.step === '3');
      const legend = () => page.locator('.stats-chart .u-legend .u-value').allTextContents();
      // step, mean, std, ‖ε̂‖, σ of frame 3 (σ = 14.6 / 10³).
      const last = JSON.stringify(['4', '0.3', '1', '0.7', '0.0146']);
      assert(JSON.stringify(await legend()) === last, `legend at the last step: ${await legend()}`);
      await page.locator('#step-scrubber').evaluate((el) => {
        el.value = '1';
        el.dispatchEvent(new Event('input'));
      });
      const second = JSON.stringify(['2', '0.1', '3', '0.9', '1.46']);
      await page.waitForFunction(
        (want) =>
          JSON.stringify(
            [...document.querySelectorAll('.stats-chart .u-legend .u-value')].map((e) => e.textContent),
          ) === want,
        second,
        { timeout: 5_000 },
      );
      assert(errors.length === 0, `page errors: ${errors}`);
      await page.close();
    },
  },
  {
    name: 'the statistics chart in a 230 px workbench still labels its step axis (every other step)',
    async run(browser) {
      const stepTicks = await drawnChart(browser, 230);
      assert(stepTicks.join() === '2,4', `step ticks in a narrow chart: ${stepTicks}`);
    },
  },
];
