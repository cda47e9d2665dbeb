import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseParameters } from '../../../src/runs/a1111Parameters';
import { buildRunRecords, parseRecord, pngTextChunks, restoreFromPngText } from '../../../src/runs/runRecord';
import { sampleInfo } from './sampleInfo';

const info = sampleInfo();

test('one record per image, each with its own seed and the shared run facts', () => {
  const records = buildRunRecords(new Date(0), info);
  assert.deepEqual(records.map((r) => [r.seed, r.batchIndex]), [[11, 0], [12, 1]]);
  assert.equal(records[1].ran.timings.vaeMs, 3);
  assert.equal(records[1].ran.timings.loadMs, 120, 'the load time the engine reported');
  assert.equal(records[0].ran.scheduler._class_name, 'EulerDiscreteScheduler');
  assert.equal(records[0].spec.prompt, 'a café');
  assert.equal(records[0].createdAt, new Date(0).toISOString());
});

test('PNG text carries A1111 parameters and a Latin-1-safe JSON record', () => {
  const [record] = buildRunRecords(new Date(0), sampleInfo({ spec: { prompt: 'a café ☕' } }));
  const texts = pngTextChunks(record);
  const a1111 = parseParameters(texts.parameters);
  assert.equal(a1111.sampler, 'Euler');
  assert.equal(a1111.scheduleType, 'Karras');
  assert.equal(a1111.modelHash, 'abcdef0123');
  assert.equal(a1111.seed, 11);
  assert.ok([...texts['diffusion-lab']].every((c) => c.charCodeAt(0) < 0x80));
  assert.equal(JSON.parse(texts['diffusion-lab']).spec.prompt, 'a café ☕');
});

test('re-run prefers the full record, and falls back to A1111 text', () => {
  const [, second] = buildRunRecords(new Date(0), info);
  const ours = restoreFromPngText(pngTextChunks(second));
  assert.equal(ours?.source, 'diffusion-lab');
  assert.equal(ours?.spec.scheduler?.timestep_spacing, 'leading');
  assert.equal(ours?.spec.seed, 12, "the image's own seed");
  assert.equal(ours?.model.dir, '/m/tiny');

  const theirs = restoreFromPngText({
    parameters: 'a cat\nNegative prompt: dog\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5, Seed: 3484050600, Size: 832x1216, Model hash: 4fc2b075ab, Model: animaXL_v10, Version: v1.10.0',
  });
  assert.equal(theirs?.source, 'a1111');
  assert.deepEqual(theirs?.spec.scheduler, { _class_name: 'DPMSolverMultistepScheduler', use_karras_sigmas: true });
  assert.equal(theirs?.spec.seed, 3484050600);
  assert.equal(restoreFromPngText({ Software: 'GIMP' }), undefined);
  assert.equal(restoreFromPngText({ parameters: 'x\nSteps: 1, Sampler: Restart, Seed: 1' })?.unknownSampler, 'Restart');
});

test('a first-format record (flat, diffusion-lab.run/1) is read as the current one', () => {
  const v1 = {
    format: 'diffusion-lab.run/1', createdAt: '2026-01-01T00:00:00.000Z', prompt: 'old', negativePrompt: '', seed: 8, batchIndex: 1,
    batchSize: 2, steps: 20, guidanceScale: 3, guidanceRescale: 0, width: 64, height: 64,
    model: { dir: '/m/x', name: 'x', hash: 'h', kind: 'text2img' }, scheduler: { _class_name: 'DDIMScheduler' },
    timesteps: [999, 500], provider: 'cpu', providerFallbacks: [], timings: { loadMs: 0, textEncoderMs: 1, unetStepMs: [], unetRunMs: [], vaeMs: 1, totalMs: 2 },
  };
  const r = parseRecord(JSON.stringify(v1))!;
  assert.equal(r.format, 'diffusion-lab.run/2');
  assert.equal(r.spec.seed, 7, "the batch's first seed");
  assert.equal(r.seed, 8);
  assert.deepEqual(r.spec.timesteps, [999, 500]);
  assert.equal(r.ran.scheduler._class_name, 'DDIMScheduler');
  assert.equal(parseRecord('{"format":"other"}'), undefined);
  assert.equal(parseRecord('not json'), undefined);
});

test('a varied image carries its own variation seed, in A1111 text and in the record', () => {
  const varied = sampleInfo({ spec: { subseed: 40, subseedStrength: 0.25 }, seeds: [11, 11] });
  const [, second] = buildRunRecords(new Date(0), varied);
  const texts = pngTextChunks(second);
  assert.match(texts.parameters, /Seed: 11, .*Variation seed: 41, Variation seed strength: 0\.25/);
  const ours = restoreFromPngText(texts);
  assert.deepEqual([ours?.spec.seed, ours?.spec.subseed, ours?.spec.subseedStrength], [11, 41, 0.25]);
  const theirs = restoreFromPngText({ parameters: texts.parameters });
  assert.deepEqual([theirs?.spec.subseed, theirs?.spec.subseedStrength], [41, 0.25]);
  assert.doesNotMatch(pngTextChunks(buildRunRecords(new Date(0), info)[0]).parameters, /Variation/);
});
