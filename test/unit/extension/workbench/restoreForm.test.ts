import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreFromPngText } from '../../../../src/runs/runRecord';
import { encode } from 'fast-png';
import { readPngText, withPngText } from '../../../../src/png/pngText';
import type { ModelOption, ParamsForm } from '../../../../src/protocol/workbench';
import { toForm, type ModelLookup } from '../../../../src/extension/workbench/restoreForm';
import { samplerOptions } from '../../../../src/extension/workbench/samplerOptions';

const models: (ModelOption & { dir: string })[] = [
  {
    id: 'a',
    label: 'tiny-sd (default)',
    sizeMultiple: 8,
    nativeSize: 64,
    guidanceScale: 3,
    previews: ['latent'],
    dir: '/w/models/tiny-sd',
  },
  {
    id: 'b',
    label: 'models/v1-5-pruned-emaonly',
    sizeMultiple: 8,
    nativeSize: 512,
    guidanceScale: 7.5,
    previews: ['latent'],
    dir: '/w/models/v1-5-pruned-emaonly',
  },
];
const lookup: ModelLookup = {
  find: (m) =>
    models.find((e) => e.dir === m.dir) ?? models.find((e) => m.name !== undefined && e.dir.endsWith(`/${m.name}`)),
  label: (id) => models.find((m) => m.id === id)?.label ?? '?',
};
const samplers = samplerOptions();
const current: ParamsForm = {
  prompt: 'old',
  negativePrompt: '',
  seed: '-1',
  steps: '20',
  guidanceScale: '7.5',
  sampler: 'DDIMScheduler',
  spacing: 'default',
  originalSize: '',
  cropTopLeft: '',
  targetSize: '',
  width: '64',
  height: '64',
  batchSize: '4',
  modelId: 'a',
  subseed: '5',
  subseedStrength: '0.5',
  etaNoiseSeedDelta: '7',
  batchCount: '3',
  previewKind: 'taesd',
  previewEvery: '2',
};

test("an A1111 PNG restores prompt, seed, steps, CFG, size, the model by name and A1111's own sampler", () => {
  const text =
    'photo of a cabin\nNegative prompt: (worst quality:1.4), cartoon\nSteps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6, Seed: 777, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.9.4';
  const png = withPngText(encode({ width: 2, height: 2, data: new Uint8Array(16).fill(255), channels: 4, depth: 8 }), {
    parameters: text,
  });
  const restored = restoreFromPngText(readPngText(png))!;
  const { form, note } = toForm(restored, current, lookup, samplers);
  assert.deepEqual(form, {
    prompt: 'photo of a cabin',
    negativePrompt: '(worst quality:1.4), cartoon',
    seed: '777',
    steps: '25',
    guidanceScale: '6',
    sampler: 'a1111:DPM++ 2M:Karras',
    spacing: 'default',
    originalSize: '',
    cropTopLeft: '',
    targetSize: '',
    width: '512',
    height: '768',
    batchSize: '1',
    modelId: 'b',
    // No variation in the image: none in the form; the viewer's choices are kept.
    subseed: '-1',
    subseedStrength: '0',
    etaNoiseSeedDelta: '0',
    batchCount: '1',
    previewKind: 'taesd',
    previewEvery: '2',
  });
  assert.equal(note, 'Restored from A1111 parameters; A1111 drew the noise with RNG GPU; the CPU noise here differs.');
});

test("an A1111 image's ENSD restores into the form", () => {
  const restored = restoreFromPngText({ parameters: 'x\nSteps: 9, Sampler: Euler a, Seed: 1, ENSD: 31337' })!;
  assert.equal(toForm(restored, current, lookup, samplers).form.etaNoiseSeedDelta, '31337');
});

test("legacy and alias A1111 names and ComfyUI's names restore as the picker's entry of the same name", () => {
  const a1111 = (sampler: string) =>
    toForm(restoreFromPngText({ parameters: `x\nSteps: 9, Sampler: ${sampler}, Seed: 1` })!, current, lookup, samplers);
  const legacy = a1111('DPM++ 2M Karras');
  assert.equal(samplers.find((s) => s.id === legacy.form.sampler)?.label, 'DPM++ 2M Karras');
  assert.doesNotMatch(legacy.note, /sampler/);
  // k_euler_a is an alias A1111 reads as "Euler a".
  assert.equal(samplers.find((s) => s.id === a1111('k_euler_a').form.sampler)?.label, 'Euler a');
  const missing = a1111('DDIM CFG++');
  assert.equal(missing.form.sampler, 'DDIMScheduler');
});

test('what cannot be restored keeps its current value and is named', () => {
  const restored = restoreFromPngText({
    parameters: 'x\nSteps: 30, Sampler: DDIM CFG++, CFG scale: 5, Seed: 1, Model: sdxl_base',
  })!;
  const { form, note } = toForm(restored, current, lookup, samplers);
  assert.equal(form.sampler, 'DDIMScheduler');
  assert.equal(form.modelId, 'a');
  assert.equal(form.width, '64');
  assert.match(note, /sampler "DDIM CFG\+\+" is unknown; kept DDIMScheduler/);
  assert.match(note, /model "sdxl_base" was not found; kept tiny-sd \(default\)/);
});

test("a Diffusion Lab record restores the scheduler's spacing and the model folder", () => {
  const record = {
    format: 'diffusion-lab.run/1',
    createdAt: '',
    prompt: 'p',
    negativePrompt: 'n',
    seed: 5,
    batchIndex: 0,
    batchSize: 1,
    steps: 8,
    guidanceScale: 3,
    guidanceRescale: 0,
    width: 64,
    height: 64,
    model: { dir: '/w/models/tiny-sd', name: 'tiny-sd', hash: 'h', kind: 'text2img' },
    scheduler: {
      _class_name: 'DPMSolverMultistepScheduler',
      timestep_spacing: 'trailing',
      use_exponential_sigmas: true,
    },
    provider: 'cpu',
    providerFallbacks: [],
    timings: {},
  };
  const { form } = toForm(
    restoreFromPngText({ 'diffusion-lab': JSON.stringify(record) })!,
    { ...current, modelId: 'b' },
    lookup,
    samplers,
  );
  assert.equal(form.spacing, 'trailing');
  assert.equal(form.sampler, 'DPMSolverMultistepScheduler · exponential σ');
  assert.equal(form.modelId, 'a');
  assert.equal(form.negativePrompt, 'n');
});

test("a record with explicit timesteps restores them as the workbench's schedule, with the run's scheduler config", () => {
  const scheduler = { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver++' };
  const record = {
    format: 'diffusion-lab.run/1',
    createdAt: '',
    prompt: 'p',
    negativePrompt: '',
    seed: 5,
    batchIndex: 0,
    batchSize: 1,
    steps: 3,
    guidanceScale: 3,
    guidanceRescale: 0,
    width: 64,
    height: 64,
    model: { dir: '/w/models/tiny-sd', name: 'tiny-sd', hash: 'h', kind: 'text2img' },
    scheduler,
    timesteps: [999, 500, 20],
    provider: 'cpu',
    providerFallbacks: [],
    timings: {},
  };
  const restored = restoreFromPngText({ 'diffusion-lab': JSON.stringify(record) })!;
  const { form, note, schedule } = toForm(restored, current, lookup, samplers, 'run-7.png');
  assert.deepEqual(schedule, { label: "run-7.png's schedule", scheduler, timesteps: [999, 500, 20] });
  assert.equal(form.steps, '3');
  assert.match(note, /its explicit timesteps are the schedule\.$/);
  const plain = toForm(
    restoreFromPngText({ 'diffusion-lab': JSON.stringify({ ...record, timesteps: undefined }) })!,
    current,
    lookup,
    samplers,
  );
  assert.equal(plain.schedule, undefined);
});

test('a record of a KDPM2 ancestral run restores its class from the picker the workbench offers', () => {
  const record = {
    format: 'diffusion-lab.run/1',
    createdAt: '',
    prompt: 'p',
    negativePrompt: '',
    seed: 5,
    batchIndex: 0,
    batchSize: 1,
    steps: 8,
    guidanceScale: 3,
    guidanceRescale: 0,
    width: 64,
    height: 64,
    model: { dir: '/w/models/tiny-sd', name: 'tiny-sd', hash: 'h', kind: 'text2img' },
    scheduler: { _class_name: 'KDPM2AncestralDiscreteScheduler', use_karras_sigmas: true },
    provider: 'cpu',
    providerFallbacks: [],
    timings: {},
  };
  const restored = restoreFromPngText({ 'diffusion-lab': JSON.stringify(record) })!;
  const { form, note } = toForm(restored, current, lookup, samplerOptions());
  assert.equal(form.sampler, 'KDPM2AncestralDiscreteScheduler · karras σ');
  assert.doesNotMatch(note, /not available/);
});
