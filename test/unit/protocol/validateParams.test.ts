import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseFromGallery,
  parseFromWorkbench,
  validateParams,
  type ModelOption,
  type ParamsForm,
  type ValidationContext,
} from '../../../src/protocol/workbench';
import type { ModelFit } from '../../../src/protocol/modelFit';
import { fitOf } from './modelFitFixture';
import type { ImageMode } from '../../../src/protocol/workbenchImage';
import { samplerOptions } from '../../../src/extension/workbench/samplerOptions';

const ctx: ValidationContext = {
  models: [
    {
      id: 'm1',
      label: 'tiny-shapes',
      sizeMultiple: 8,
      nativeSize: 32,
      guidanceScale: 3,
      previews: ['latent', 'taesd'],
    },
    {
      id: 'xl',
      label: 'tiny-sdxl',
      sizeMultiple: 8,
      nativeSize: 64,
      guidanceScale: 5,
      previews: ['latent'],
      family: 'sdxl',
      microConditioning: true,
      toolSamplersWhy: 'tool samplers do not run zero-terminal-SNR schedules',
    },
  ],
  samplers: samplerOptions(),
};
const good: ParamsForm = {
  prompt: 'a red circle',
  negativePrompt: '',
  seed: '42',
  steps: '20',
  guidanceScale: '7.5',
  sampler: 'EulerDiscreteScheduler · karras σ',
  spacing: 'trailing',
  originalSize: '',
  cropTopLeft: '',
  targetSize: '',
  width: '32',
  height: '64',
  batchSize: '2',
  batchCount: '1',
  subseed: '-1',
  subseedStrength: '0',
  etaNoiseSeedDelta: '0',
  previewKind: 'latent',
  previewEvery: '1',
  modelId: 'm1',
};

test('a good form becomes a run spec, its sampler controls scheduler keys', () => {
  const { run, errors } = validateParams(good, ctx);
  assert.deepEqual(errors, {});
  assert.equal(run?.modelId, 'm1');
  assert.equal(run?.spec.seed, 42);
  assert.equal(run?.spec.guidanceScale, 7.5);
  assert.equal(run?.spec.height, 64);
  assert.deepEqual(run?.spec.scheduler, {
    _class_name: 'EulerDiscreteScheduler',
    use_karras_sigmas: true,
    timestep_spacing: 'trailing',
  });
  assert.equal(validateParams({ ...good, seed: '-1' }, ctx).run?.spec.seed, -1);
  assert.equal(validateParams({ ...good, sampler: '', spacing: 'default' }, ctx).run?.spec.scheduler, undefined);
});

test("a tool sampler's entry becomes the spec's toolSampler, in that tool's names", () => {
  const a1111 = validateParams({ ...good, sampler: 'a1111:DPM++ 2M:Karras', spacing: 'default' }, ctx).run?.spec;
  assert.deepEqual(a1111?.toolSampler, { tool: 'a1111', sampler: 'DPM++ 2M', schedule: 'Karras' });
  assert.equal(a1111?.scheduler, undefined);
  const comfy = validateParams({ ...good, sampler: 'comfyui:euler_ancestral:simple', spacing: 'default' }, ctx).run;
  assert.deepEqual(comfy?.spec.toolSampler, { tool: 'comfyui', sampler: 'euler_ancestral', schedule: 'simple' });
  // Spacing is a diffusers option; a variation seed is A1111's, which ComfyUI's samplers do not take.
  const errors = validateParams({ ...good, sampler: 'a1111:Euler a:', subseedStrength: '0.5' }, ctx).errors;
  assert.match(errors.spacing ?? '', /Euler a has no timestep spacing/);
  assert.equal(errors.subseedStrength, undefined);
  const varied = { ...good, sampler: 'comfyui:euler_ancestral:simple', spacing: 'default', subseedStrength: '0.5' };
  assert.equal(
    validateParams(varied, ctx).errors.subseedStrength,
    "A variation seed is A1111's: with a tool sampler it takes the a1111 noise convention, not comfyui: set the strength to 0.",
  );
});

test('from an image, a tool sampler that cannot run that mode is flagged at Sampler before anything runs', () => {
  const error = (sampler: string, imageMode?: 'img2img' | 'inpaint' | 'invert') =>
    validateParams({ ...good, sampler, spacing: 'default' }, { ...ctx, imageMode }).errors.sampler;
  assert.equal(error('a1111:Euler a:', 'img2img'), undefined);
  assert.equal(error('a1111:Euler a:', 'inpaint'), undefined);
  assert.equal(error('a1111:PLMS:', 'inpaint'), undefined);
  assert.equal(error('comfyui:euler:karras', 'inpaint'), undefined);
  assert.equal(error('comfyui:euler:normal', 'invert'), 'Inversion runs DDIM: it takes no tool sampler.');
  assert.equal(error('a1111:DPM fast:', 'img2img'), "A1111's DPM fast does not start from an init image yet.");
  // UniPC walks ⌊strength·steps⌋ of its timesteps and needs 3: at the form's steps, 0.1 gives too few.
  const uniPc = (strength: number, steps = good.steps) =>
    validateParams(
      { ...good, steps, sampler: 'a1111:UniPC:', spacing: 'default' },
      { ...ctx, imageMode: 'img2img', imageStrength: strength },
    ).errors.sampler;
  assert.match(
    uniPc(0.1, '20') ?? '',
    /^A1111's UniPC: from an init image at strength 0\.1 it walks 2 of its 20 timesteps .* needs at least 3/,
  );
  assert.equal(uniPc(0.15, '20'), undefined, '3 timesteps');
  assert.equal(uniPc(0.1, 'x'), undefined, "bad steps are the Steps field's to name");
  assert.equal(error('a1111:DDIM:', 'img2img'), undefined, 'DDIM, PLMS and UniPC start from one on their timesteps');
  assert.equal(error('a1111:DPM fast:'), undefined, 'text-to-image');
  assert.equal(error('DDIMScheduler', 'inpaint'), undefined, 'a diffusers scheduler inpaints');
});

test("an ENSD goes into the spec where it is not 0; ComfyUI's samplers refuse it, as bad text is refused", () => {
  const spec = (form: Partial<ParamsForm>) => validateParams({ ...good, ...form }, ctx).run?.spec;
  assert.equal(spec({ etaNoiseSeedDelta: '31337' })?.etaNoiseSeedDelta, 31337);
  assert.equal(spec({ sampler: 'a1111:Euler a:', spacing: 'default', etaNoiseSeedDelta: '1' })?.etaNoiseSeedDelta, 1);
  assert.ok(!('etaNoiseSeedDelta' in spec({})!), '0: none');
  assert.ok(!('etaNoiseSeedDelta' in spec({ etaNoiseSeedDelta: ' ' })!), 'empty: none');
  const error = (form: Partial<ParamsForm>) => validateParams({ ...good, ...form }, ctx).errors.etaNoiseSeedDelta;
  assert.equal(
    error({ sampler: 'comfyui:euler_ancestral:simple', spacing: 'default', etaNoiseSeedDelta: '31337' }),
    "An eta noise seed delta (ENSD) is A1111's: with a tool sampler it takes the a1111 noise convention, not comfyui: set it to 0.",
  );
  for (const bad of ['-1', '1.5', 'x', '4294967295'])
    assert.match(error({ etaNoiseSeedDelta: bad }) ?? '', /^ENSD must be a whole number from 0 to 4294967294/, bad);
});

test('too few steps for a tool sampler are flagged at Steps before anything runs', () => {
  const at = (sampler: string, steps: string) =>
    validateParams({ ...good, sampler, spacing: 'default', steps }, ctx).errors.steps;
  assert.equal(at('a1111:UniPC:', '2'), "A1111's UniPC needs at least 3 steps (it runs at order 3), not 2.");
  assert.equal(at('a1111:UniPC:', '3'), undefined);
  assert.match(at('a1111:DPM++ SDE:Karras', '1') ?? '', /at least 2 steps \(its Brownian-tree noise/);
  assert.equal(at('a1111:DPM++ SDE:Karras', 'x'), 'Steps must be a whole number, not "x".');
});

test('a model the tools cannot run refuses their samplers, naming why; micro-conditioning is read for SDXL only', () => {
  const xl = { ...good, modelId: 'xl', spacing: 'default', sampler: 'a1111:DPM++ 2M:Karras' };
  assert.match(
    validateParams(xl, ctx).errors.sampler ?? '',
    /DPM\+\+ 2M Karras: not for tiny-sdxl: .*zero-terminal-SNR/,
  );
  const micro = { ...good, originalSize: '2048x1536', cropTopLeft: '16, 0', targetSize: '1024×1024' };
  const spec = validateParams({ ...micro, modelId: 'xl' }, ctx).run?.spec;
  assert.deepEqual(spec?.originalSize, { width: 2048, height: 1536 });
  assert.deepEqual(spec?.cropTopLeft, { x: 16, y: 0 });
  assert.deepEqual(spec?.targetSize, { width: 1024, height: 1024 });
  assert.equal(validateParams(micro, ctx).run?.spec.originalSize, undefined, 'an SD model takes none');
  const bad = validateParams({ ...micro, modelId: 'xl', originalSize: '2048', cropTopLeft: '-1,0' }, ctx).errors;
  assert.match(bad.originalSize ?? '', /width×height/);
  assert.match(bad.cropTopLeft ?? '', /x,y/);
});

test("what the model's graphs refuse is named at its field: a fixed size, an inpainting UNet without a mask", () => {
  const fit = (more: Partial<ModelFit>) => fitOf('tiny', more);
  const model = ctx.models[0];
  const withModel = (m: Partial<ModelOption>, imageMode?: ImageMode | 'none') =>
    validateParams(good, { ...ctx, imageMode, models: [{ ...model, ...m }] });
  assert.deepEqual(withModel({ fit: fit({}) }).errors, {});
  const fixed = withModel({ fit: fit({ fixedLatent: { width: 8, height: 8 } }) });
  assert.equal(fixed.run, undefined);
  assert.deepEqual(fixed.errors, {
    width: "Width must be 64: tiny's UNet takes a fixed size.",
  });
  const inpainting = fit({ inpaintingChannels: 9 });
  assert.match(
    withModel({ fit: inpainting }, 'none').errors.modelId ?? '',
    /^tiny's UNet is an inpainting UNet \(9 input/,
  );
  assert.deepEqual(withModel({ fit: inpainting }).errors, {}, "without the image section's mode, left to the host");
  assert.match(withModel({ fit: inpainting }, 'img2img').errors.modelId ?? '', /inpainting UNet/);
  assert.deepEqual(withModel({ fit: inpainting }, 'inpaint').errors, {});
  assert.deepEqual(withModel({ fit: 'x/unet/model.onnx: an SDXL refiner' }).errors, {
    modelId: 'x/unet/model.onnx: an SDXL refiner.',
  });
});

test('each bad field is named, and nothing runs', () => {
  const { run, errors } = validateParams({ ...good, steps: '-3', seed: '12abc', width: '30', batchSize: '' }, ctx);
  assert.equal(run, undefined);
  assert.match(errors.steps ?? '', /between 1 and/);
  assert.match(errors.seed ?? '', /whole number/);
  assert.match(errors.width ?? '', /multiple of 8 for tiny-shapes \(try 32\)/);
  assert.match(errors.batchSize ?? '', /required/);
  assert.equal(errors.height, undefined);
});

test('options a sampler lacks, unknown samplers and models are refused', () => {
  const unsupported = ctx.samplers.find((s) => s.unavailable)!;
  assert.match(validateParams({ ...good, sampler: unsupported.id }, ctx).errors.sampler ?? '', /: /);
  assert.match(validateParams({ ...good, sampler: 'Nope' }, ctx).errors.sampler ?? '', /Unknown sampler/);
  assert.match(validateParams({ ...good, modelId: '../../etc' }, ctx).errors.modelId ?? '', /Choose a model/);
  assert.match(validateParams({ ...good, seed: '4294967295' }, ctx).errors.seed ?? '', /4294967294/);
  assert.match(validateParams({ ...good, guidanceScale: 'NaN' }, ctx).errors.guidanceScale ?? '', /number/);
  assert.ok(validateParams(null, ctx).errors.prompt === undefined && validateParams(null, ctx).run === undefined);
});

test('host-side message parsing drops malformed messages and path-like ids', () => {
  assert.deepEqual(parseFromWorkbench({ type: 'openRun', runId: 'abc-123' }), { type: 'openRun', runId: 'abc-123' });
  assert.equal(parseFromWorkbench({ type: 'openRun', runId: '../x' }), undefined);
  assert.equal(parseFromWorkbench({ type: 'generate', form: { ...good, steps: 5 } }), undefined);
  assert.equal(parseFromWorkbench({ type: 'exportTrajectory', runId: 'a', format: 'gif', bytes: [1, 2] }), undefined);
  assert.equal(parseFromWorkbench({ type: 'rm -rf' }), undefined);
  assert.equal(parseFromWorkbench('ready'), undefined);
  assert.deepEqual(parseFromGallery({ type: 'removeRun', runId: 'abc-123' }), { type: 'removeRun', runId: 'abc-123' });
  assert.equal(parseFromGallery({ type: 'removeRun', runId: '../runs' }), undefined);
  assert.equal(parseFromGallery({ type: 'removeRun' }), undefined);
});

test('tokenize requests carry a prompt field, its text and a model id, within the prompt limit', () => {
  const ok = { type: 'tokenize', field: 'prompt', text: 'a (red:1.2) circle', modelId: 'm1' };
  assert.deepEqual(parseFromWorkbench({ ...ok, extra: 1 }), ok);
  const negative = { ...ok, field: 'negativePrompt', text: '' };
  assert.deepEqual(parseFromWorkbench(negative), negative);
  assert.equal(parseFromWorkbench({ ...ok, field: 'seed' }), undefined);
  assert.equal(parseFromWorkbench({ ...ok, text: 3 }), undefined);
  assert.equal(parseFromWorkbench({ ...ok, modelId: undefined }), undefined);
  assert.equal(parseFromWorkbench({ ...ok, text: 'a'.repeat(20_001) }), undefined);
});
