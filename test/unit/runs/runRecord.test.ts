import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunInfo } from '../../../src/protocol/engine';
import { parseParameters } from '../../../src/runs/a1111Parameters';
import { buildRunRecords, pngTextChunks, restoreFromPngText } from '../../../src/runs/runRecord';

const info: RunInfo = {
  provider: 'cpu',
  providerFallbacks: [],
  timings: { loadMs: 120, textEncoderMs: 4, unetStepMs: [7, 6], unetRunMs: [6, 5], vaeMs: 3, totalMs: 150 },
  scheduler: { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, timestep_spacing: 'leading' },
  seeds: [11, 12],
  steps: 2,
  guidanceScale: 7.5,
  guidanceRescale: 0,
  width: 32,
  height: 32,
  model: { dir: '/m/tiny', name: 'tiny-shapes', hash: 'abcdef0123456789', kind: 'text2img' },
  unknownWords: [],
  truncatedTokens: 0,
};

test('one record per image, each with its own seed and the shared run facts', () => {
  const records = buildRunRecords({ prompt: 'a café', negativePrompt: 'blur', batchSize: 2, createdAt: new Date(0) }, info);
  assert.deepEqual(records.map((r) => [r.seed, r.batchIndex]), [[11, 0], [12, 1]]);
  assert.equal(records[1].timings.vaeMs, 3);
  assert.equal(records[0].scheduler._class_name, 'EulerDiscreteScheduler');
});

test('PNG text carries A1111 parameters and a Latin-1-safe JSON record', () => {
  const [record] = buildRunRecords({ prompt: 'a café ☕', negativePrompt: 'blur', batchSize: 2, createdAt: new Date(0) }, info);
  const texts = pngTextChunks(record);
  const a1111 = parseParameters(texts.parameters);
  assert.equal(a1111.sampler, 'Euler');
  assert.equal(a1111.scheduleType, 'Karras');
  assert.equal(a1111.modelHash, 'abcdef0123');
  assert.equal(a1111.seed, 11);
  assert.ok([...texts['diffusion-lab']].every((c) => c.charCodeAt(0) < 0x80));
  assert.equal(JSON.parse(texts['diffusion-lab']).prompt, 'a café ☕');
});

test('re-run prefers the full record, and falls back to A1111 text', () => {
  const [record] = buildRunRecords({ prompt: 'p', negativePrompt: '', batchSize: 1, createdAt: new Date(0) }, info);
  const ours = restoreFromPngText(pngTextChunks(record));
  assert.equal(ours?.source, 'diffusion-lab');
  assert.equal(ours?.scheduler?.options.timestep_spacing, 'leading');
  assert.equal(ours?.model.dir, '/m/tiny');

  const theirs = restoreFromPngText({
    parameters: 'a cat\nNegative prompt: dog\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5, Seed: 3484050600, Size: 832x1216, Model hash: 4fc2b075ab, Model: animaXL_v10, Version: v1.10.0',
  });
  assert.equal(theirs?.source, 'a1111');
  assert.deepEqual(theirs?.scheduler, { className: 'DPMSolverMultistepScheduler', options: { use_karras_sigmas: true } });
  assert.equal(theirs?.seed, 3484050600);
  assert.equal(restoreFromPngText({ Software: 'GIMP' }), undefined);
  assert.equal(restoreFromPngText({ parameters: 'x\nSteps: 1, Sampler: Restart, Seed: 1' })?.unknownSampler, 'Restart');
});
