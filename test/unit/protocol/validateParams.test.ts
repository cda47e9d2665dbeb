import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromGallery, parseFromWorkbench, validateParams, type ParamsForm, type ValidationContext } from '../../../src/protocol/workbench';

const ctx: ValidationContext = {
  models: [{ id: 'm1', label: 'tiny-shapes', sizeMultiple: 8, nativeSize: 32, guidanceScale: 3, previews: ['latent', 'taesd'] }],
  samplers: [
    { className: 'DDIMScheduler', spacing: true, sigmas: [] },
    { className: 'EulerDiscreteScheduler', spacing: true, sigmas: ['karras', 'exponential'] },
  ],
};
const good: ParamsForm = {
  prompt: 'a red circle',
  negativePrompt: '',
  seed: '42',
  steps: '20',
  guidanceScale: '7.5',
  sampler: 'EulerDiscreteScheduler',
  spacing: 'trailing',
  sigmas: 'karras',
  width: '32',
  height: '64',
  batchSize: '2',
  batchCount: '1',
  subseed: '-1',
  subseedStrength: '0',
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
  assert.equal(run?.spec.scheduler?.use_karras_sigmas, true);
  assert.equal(validateParams({ ...good, seed: '-1' }, ctx).run?.spec.seed, -1);
  assert.equal(validateParams({ ...good, sampler: '', spacing: 'default', sigmas: 'default' }, ctx).run?.spec.scheduler, undefined);
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
  const { errors } = validateParams({ ...good, sampler: 'DDIMScheduler', sigmas: 'karras' }, ctx);
  assert.match(errors.sigmas ?? '', /DDIMScheduler does not offer karras/);
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
