// Host-side checks of the image actions every surface posts: by run id and index, never a path;
// anything else is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageAction } from '../../../src/protocol/imageActions';
import { parseFromImagePanel } from '../../../src/protocol/imagePanel';
import { parseFromGallery, parseFromWorkbench, validateParams, type ParamsForm } from '../../../src/protocol/workbench';

const action = { type: 'imageAction', runId: 'mf3k2-a1b2c3', index: 2, action: 'varySeed' };

test('an image action from any surface is kept with exactly its run id, index and action', () => {
  for (const parse of [parseFromWorkbench, parseFromGallery, parseFromImagePanel]) {
    assert.deepEqual(parse({ ...action, path: '/etc/passwd', extra: 1 }), action);
  }
  for (const kind of ['open', 'rerun', 'varySeed', 'copySeed', 'copyParameters', 'reveal', 'forward']) {
    assert.equal(parseImageAction({ ...action, action: kind })?.action, kind);
  }
});

test('a malformed image action is dropped', () => {
  const bad = [
    { ...action, runId: '../../secret' },
    { ...action, runId: 'A'.repeat(65) },
    { ...action, index: -1 },
    { ...action, index: 1.5 },
    { ...action, index: '2' },
    { ...action, action: 'delete' },
    { ...action, action: undefined },
    { ...action, type: 'imageActions' },
  ];
  for (const m of bad) {
    assert.equal(parseFromWorkbench(m), undefined, JSON.stringify(m));
    assert.equal(parseFromGallery(m), undefined, JSON.stringify(m));
    assert.equal(parseFromImagePanel(m), undefined, JSON.stringify(m));
  }
  assert.equal(parseFromImagePanel(null), undefined);
  assert.deepEqual(parseFromImagePanel({ type: 'ready' }), { type: 'ready' });
});

const form: ParamsForm = {
  prompt: 'p',
  negativePrompt: '',
  seed: '7',
  subseed: '-1',
  subseedStrength: '0',
  etaNoiseSeedDelta: '0',
  steps: '4',
  guidanceScale: '3',
  sampler: '',
  spacing: 'default',
  originalSize: '',
  cropTopLeft: '',
  targetSize: '',
  width: '32',
  height: '32',
  batchSize: '2',
  batchCount: '3',
  previewKind: 'taesd',
  previewEvery: '2',
  modelId: 'm1',
};

test('generate carries "forever" only as true; a form missing a new field is refused', () => {
  assert.deepEqual(parseFromWorkbench({ type: 'generate', form, forever: true }), {
    type: 'generate',
    form,
    forever: true,
  });
  assert.deepEqual(parseFromWorkbench({ type: 'generate', form, forever: 'yes' }), { type: 'generate', form });
  const { batchCount: _, ...old } = form;
  assert.equal(parseFromWorkbench({ type: 'generate', form: old }), undefined);
});

test('the form gives batch count, variation and previews; a preview the model cannot make is named', () => {
  const model = {
    id: 'm1',
    label: 'tiny-sd',
    sizeMultiple: 8,
    nativeSize: 32,
    guidanceScale: 3,
    previews: ['latent', 'taesd'] as const,
  };
  const ctx = { models: [{ ...model, previews: [...model.previews] }], samplers: [] };
  const { run } = validateParams({ ...form, subseed: '99', subseedStrength: '0.25' }, ctx);
  assert.deepEqual(
    [run?.batchCount, run?.preview, run?.spec.subseed, run?.spec.subseedStrength],
    [3, { every: 2, kind: 'taesd' }, 99, 0.25],
  );
  assert.equal(
    validateParams(form, ctx).run?.spec.subseed,
    undefined,
    'no variation strength: no variation seed in the spec',
  );
  const { errors } = validateParams(
    { ...form, previewKind: 'vae', batchCount: '0', subseed: 'x', subseedStrength: '2', previewEvery: '0' },
    ctx,
  );
  assert.deepEqual(Object.keys(errors).sort(), [
    'batchCount',
    'previewEvery',
    'previewKind',
    'subseed',
    'subseedStrength',
  ]);
  assert.equal(errors.previewKind, 'tiny-sd has no VAE decoder for previews.');
});
