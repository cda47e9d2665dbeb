// The model-folder inspector renders a report: facts, problems, each component's graph tables, a
// missing external weights file; an error replaces it; Refresh asks the host again.
import { assert, expectPosted, openSurface, post, posted } from './harness.mjs';

const tensor = (name, type, shape) => ({ name, type, shape });
const report = {
  dir: '/w/models/tiny-sdxl',
  name: 'tiny-sdxl',
  family: 'sdxl',
  architecture: 'sdxl',
  optimumGeneration: 'optimum>=1.24',
  predictionType: 'epsilon',
  recommended: { width: 1024, height: 1024, steps: 50, guidance: 5, scheduler: 'EulerDiscreteScheduler' },
  recommendedSource: 'diffusers v0.35.2 StableDiffusionXLPipeline',
  evidence: ['unet input time_ids float32 [batch_size, 6]'],
  findings: [{ severity: 'warning', path: 'tokenizer_2', message: 'tokenizer_2 is missing <script>alert(1)</script>' }],
  components: [
    { folder: 'scheduler', config: true },
    {
      folder: 'unet',
      config: true,
      graph: {
        bytes: 123456,
        opset: 14,
        precision: 'float16',
        externalData: [{ file: 'model.onnx_data' }],
        inputs: [
          tensor('sample', 'float16', ['batch_size', 4, 'height', 'width']),
          tensor('time_ids', 'float16', ['batch_size', 6]),
        ],
        outputs: [tensor('out_sample', 'float16', ['batch_size', 4, 'height', 'width'])],
      },
    },
  ],
  totalBytes: 2_500_000,
};

export const tests = [
  {
    name: 'a report shows the family, problems, graphs and a missing weights file; Refresh asks again',
    async run(browser) {
      const { page, errors } = await openSurface(browser, 'modelInspector');
      await expectPosted(page, 'ready', 'the inspector asks for its report');
      await post(page, { type: 'report', report });
      await page.waitForSelector('[data-folder="unet"] table');
      const text = await page.textContent('main');
      assert(/Familysdxl/.test(text.replace(/\s+/g, '')), 'the family');
      assert(text.includes('1024×1024, 50 steps, guidance 5, EulerDiscreteScheduler'), 'what the engine runs');
      assert(text.includes('model.onnx_data MISSING'), 'a missing external weights file');
      assert(text.includes('time_ids') && text.includes('[batch_size, 6]'), 'the UNet inputs with shapes');
      assert((await page.$$('script')).length === 1, 'a finding is text, never markup');
      await page.click('button.refresh');
      assert(
        (await posted(page)).filter((m) => m.type === 'ready' || m.type === 'refresh').length === 2,
        'Refresh asks again',
      );
      await post(page, { type: 'error', message: '/w/x has no model_index.json' });
      await page.waitForSelector('p.error');
      assert(errors.length === 0, errors.join('\n'));
    },
  },
];
