import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { parseParameters } from '../../../src/runs/a1111Parameters';
import { buildRunRecords, pngTextChunks, recordFromPngText, restoreFromPngText } from '../../../src/runs/runRecord';
import { engineRecords, outputStem, saveRunFiles } from '../../../src/runs/saveRun';
import { encodePng, readPngText } from '../../../src/engine/png';
import type { RunInfo } from '../../../src/protocol/engine';

const info: RunInfo = {
  provider: 'cpu',
  providerFallbacks: [],
  timings: { loadMs: 1, textEncoderMs: 1, unetStepMs: [1], unetRunMs: [1], vaeMs: 1, totalMs: 5 },
  scheduler: { _class_name: 'DDIMScheduler', timestep_spacing: 'trailing' },
  seeds: [5, 6],
  steps: 1,
  guidanceScale: 3,
  guidanceRescale: 0,
  width: 2,
  height: 2,
  model: { dir: '/m/tiny-shapes', name: 'tiny-shapes', hash: 'ff00ff00ff00aa', kind: 'text2img' },
  unknownWords: [],
  truncatedTokens: 0,
};
const createdAt = new Date(2026, 0, 2, 3, 4, 5);
const records = buildRunRecords({ prompt: 'a square, red', negativePrompt: '', batchSize: 2, createdAt }, info);
const pngs = records.map((r) => encodePng(new Uint8Array(16).fill(200), 2, 2, pngTextChunks(r)));

test('PNGs with run text decode, carry A1111 parameters and restore the full record', () => {
  const [png] = pngs;
  assert.equal(decode(png).width, 2);
  assert.deepEqual(recordFromPngText(readPngText(png)), records[0]);
  assert.deepEqual(engineRecords(pngs), records);
  assert.throws(() => engineRecords([encodePng(new Uint8Array(16), 2, 2)]), /image 1 from the engine carries no run record/);
  const texts = readPngText(png);
  const a1111 = parseParameters(texts.parameters);
  assert.equal(a1111.prompt, 'a square, red');
  assert.equal(a1111.sampler, 'DDIM');
  assert.equal(a1111.seed, 5);
  assert.equal(restoreFromPngText(texts)?.scheduler?.options.timestep_spacing, 'trailing');
});

test('each image gets a PNG and a JSON of the same name, beside files already there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-run-'));
  const stem = outputStem(createdAt, 5);
  assert.equal(stem, '20260102-030405-5');
  writeFileSync(join(dir, `${stem}.png`), 'older');
  const saved = await saveRunFiles(dir, records, pngs);
  assert.deepEqual(saved, [
    { png: `${stem}-2.png`, json: `${stem}-2.json` },
    { png: '20260102-030405-6.png', json: '20260102-030405-6.json' },
  ]);
  assert.equal(readFileSync(join(dir, `${stem}.png`), 'utf8'), 'older');
  const json = JSON.parse(readFileSync(join(dir, `${stem}-2.json`), 'utf8'));
  assert.equal(json.image, `${stem}-2.png`);
  assert.equal(json.model.hash, 'ff00ff00ff00aa');
  assert.equal(json.timings.totalMs, 5);
  assert.equal(readdirSync(dir).length, 5);
});
