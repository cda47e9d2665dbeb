import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { encode } from 'fast-png';
import { parseParameters } from '../../../src/runs/a1111Parameters';
import { readPngText, withPngText } from '../../../src/png/pngText';
import { buildRunRecords, pngTextChunks, recordFromPngText, restoreFromPngText } from '../../../src/runs/runRecord';
import { outputStem, saveRunFiles } from '../../../src/runs/saveRun';
import { sampleInfo } from './sampleInfo';

const info = sampleInfo({
  spec: { prompt: 'a square, red', negativePrompt: '', seed: 5, steps: 1, guidanceScale: 3, width: 2, height: 2 },
  seeds: [5, 6],
  scheduler: { _class_name: 'DDIMScheduler', timestep_spacing: 'trailing' },
  model: { dir: '/m/tiny-shapes', name: 'tiny-shapes', hash: 'ff00ff00ff00aa', kind: 'text2img' },
  timings: { loadMs: 1, textEncoderMs: 1, unetStepMs: [1], unetRunMs: [1], vaeMs: 1, totalMs: 5 },
});
const createdAt = new Date(2026, 0, 2, 3, 4, 5);
const records = buildRunRecords(createdAt, info);
const plain = encode({ width: 2, height: 2, data: new Uint8Array(16).fill(200), channels: 4, depth: 8 });
const pngs = records.map((r) => withPngText(plain, pngTextChunks(r)));

test('PNGs with run text decode, carry A1111 parameters and restore the full record', () => {
  const [png] = pngs;
  assert.equal(decode(png).width, 2);
  assert.deepEqual(recordFromPngText(readPngText(png)), records[0]);
  const texts = readPngText(png);
  const a1111 = parseParameters(texts.parameters);
  assert.equal(a1111.prompt, 'a square, red');
  assert.equal(a1111.sampler, undefined, "A1111's DDIM is another schedule: no stand-in name");
  assert.match(a1111.extra.find(([k]) => k === 'Sampler note')?.[1] ?? '', /^DDIMScheduler: A1111's DDIM/);
  assert.equal(a1111.seed, 5);
  assert.equal(restoreFromPngText(texts)?.spec.scheduler?.timestep_spacing, 'trailing');
});

test('each image gets a PNG and a JSON of the same name, beside files already there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-run-'));
  const stem = outputStem(createdAt, 5);
  assert.equal(stem, '20260102-030405-5');
  writeFileSync(join(dir, `${stem}.png`), 'older');
  const saved = await saveRunFiles(dir, records, pngs, true);
  assert.deepEqual(saved, [
    { png: `${stem}-2.png`, json: `${stem}-2.json` },
    { png: '20260102-030405-6.png', json: '20260102-030405-6.json' },
  ]);
  assert.equal(readFileSync(join(dir, `${stem}.png`), 'utf8'), 'older');
  const json = JSON.parse(readFileSync(join(dir, `${stem}-2.json`), 'utf8'));
  assert.equal(json.image, `${stem}-2.png`);
  assert.equal(json.ran.model.hash, 'ff00ff00ff00aa');
  assert.equal(json.ran.timings.totalMs, 5);
  assert.equal(readdirSync(dir).length, 5);
});

test('by default only the PNG is written: it carries the record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-run-'));
  const saved = await saveRunFiles(dir, records.slice(0, 1), pngs.slice(0, 1), false);
  assert.deepEqual(saved, [{ png: `${outputStem(createdAt, 5)}.png` }]);
  assert.deepEqual(readdirSync(dir), [`${outputStem(createdAt, 5)}.png`]);
  assert.deepEqual(recordFromPngText(readPngText(readFileSync(join(dir, saved[0].png)))), records[0]);
});
