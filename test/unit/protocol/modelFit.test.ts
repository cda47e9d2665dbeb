// What a model refuses in a spec (src/protocol/modelFit.ts): the checks the engine throws and a sweep's
// diagnostics show, on made-up model facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitProblems, unetLayout, type ModelFit } from '../../../src/protocol/modelFit';
import { runSpec, type RunSpec } from '../../../src/protocol/run';
import { fitOf } from './modelFitFixture';

const sd = fitOf('sd', { recommended: { width: 512, height: 512 }, scheduler: { _class_name: 'PNDMScheduler' } });
const spec = (fields: Partial<RunSpec>) => runSpec({ modelDir: 'm', prompt: 'p', seed: 1, ...fields });
const problems = (fields: Partial<RunSpec>, model: ModelFit = sd) =>
  fitProblems(spec(fields), model).map((p) => [p.field, p.message]);

test('a size the VAE cannot halve to latents, or other than a fixed-size UNet takes, is refused at its field', () => {
  assert.deepEqual(problems({ width: 512, height: 768 }), []);
  assert.deepEqual(problems({ width: 100 }), [['width', 'width 100 is not a multiple of 8 (try 104)']]);
  assert.deepEqual(problems({ width: 90 }), [['width', 'width 90 is not a multiple of 8 (try 88)']]);
  assert.deepEqual(problems({ height: 4 }), [['height', 'height must be at least 8, not 4']]);
  const fixed = { ...sd, name: 'static', fixedLatent: { height: 8, width: 8 }, recommended: { width: 64, height: 64 } };
  assert.deepEqual(problems({}, fixed), [], 'a spec without a size runs at the UNet’s own');
  assert.deepEqual(problems({ width: 64, height: 72 }, fixed), [
    ['height', "height must be 64: static's UNet takes a fixed size"],
  ]);
  assert.deepEqual(problems({ width: 4096, height: 4096, batchSize: 8 }).at(-1), [
    'width',
    'batch × width × height is 128 megapixels, more than the 64 this engine takes at once; use a smaller size or batch',
  ]);
});

test('an inpainting UNet needs a mask (or a tool sampler on an init image); micro-conditioning needs time_ids', () => {
  const inpaint = { ...sd, name: 'inp', inpaintingChannels: 9 };
  const [[field, message]] = problems({}, inpaint);
  assert.equal(field, 'initImage');
  assert.match(message, /^inp's UNet is an inpainting UNet \(9 input channels: latents, mask, masked image\)/);
  assert.deepEqual(problems({ initImage: 'a.png' }, inpaint)[0][0], 'mask');
  assert.deepEqual(problems({ initImage: 'a.png', mask: 'm.png' }, inpaint), []);
  const tool = { toolSampler: { tool: 'a1111' as const, sampler: 'Euler' } };
  assert.deepEqual(problems({ initImage: 'a.png', ...tool }, inpaint), []);

  assert.deepEqual(problems({ targetSize: { width: 512, height: 512 }, cropTopLeft: { x: 0, y: 0 } }), [
    [
      'cropTopLeft',
      'crop, target size: SDXL micro-conditioning, which sd (sd1) does not take (its UNet has no time_ids input)',
    ],
  ]);
  assert.deepEqual(problems({ cropTopLeft: { x: 0, y: 0 } }, { ...sd, timeIds: true }), []);
});

test("the tools' samplers are refused on a zero-terminal-SNR schedule, the model's or the spec's", () => {
  const tool = { toolSampler: { tool: 'comfyui' as const, sampler: 'euler' } };
  const zeroSnr = { ...sd, scheduler: { ...sd.scheduler, rescale_betas_zero_snr: true } };
  assert.deepEqual(problems(tool, zeroSnr), [['toolSampler', 'tool samplers do not run zero-terminal-SNR schedules']]);
  assert.deepEqual(problems({ ...tool, scheduler: { rescale_betas_zero_snr: false } }, zeroSnr), []);
  assert.deepEqual(problems({ ...tool, scheduler: { rescale_betas_zero_snr: true } })[0][0], 'toolSampler');
});

test('a UNet taking 2·C + 1 channels where the decoder takes C is an inpainting UNet', () => {
  const io = (name: string, channels: number | string) => ({
    inputs: [{ name, type: 'float32', shape: ['batch', channels, 'h', 'w'] }],
    outputs: [],
  });
  assert.deepEqual(unetLayout(io('sample', 9), io('latent_sample', 4)), {
    unetLatentChannels: 4,
    inpaintingUnet: true,
  });
  assert.deepEqual(unetLayout(io('sample', 4), io('latent_sample', 4)), {
    unetLatentChannels: 4,
    inpaintingUnet: false,
  });
  assert.deepEqual(unetLayout(io('sample', 3)), { unetLatentChannels: 3, inpaintingUnet: false });
  assert.deepEqual(unetLayout(io('sample', 'c'), io('latent_sample', 4)), {
    unetLatentChannels: 4,
    inpaintingUnet: false,
  });
});
