// The command line, run as a user runs it (from source here), on the tiny model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPngText } from '../../../src/runs/pngText';
import { copyModel, model } from '../engine/fixtures';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const base = ['generate', '--model', model('tiny-sd'), '--prompt', 'a red cat crème', '--seed', '3', '--steps', '3'];

test('generate writes a PNG and says what ran', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const out = join(dir, 'cat.png');
  const r = cli(...base, '--sampler', 'Euler', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sampler +EulerDiscreteScheduler, 3 steps, guidance 7\.5/);
  assert.match(r.out, /seed +3/);
  assert.match(r.out, /provider +cpu/);
  assert.match(r.out, /text encoder [\d.]+ ms, unet [\d.]+ ms/);
  assert.match(r.out, /unknown +crème/);
  assert.match(readPngText(readFileSync(out)).parameters, /Sampler: Euler, .*Seed: 3/);
});

test("without --guidance the model's recommended scale is used and shown; --guidance wins", () => {
  const dir = copyModel('tiny-sd');
  const index = join(dir, 'model_index.json');
  writeFileSync(index, JSON.stringify({ ...JSON.parse(readFileSync(index, 'utf8')), _diffusion_lab: { guidance_scale: 3 } }));
  const args = ['generate', '--model', dir, '--prompt', 'a red cat', '--seed', '3', '--steps', '2'];
  const omitted = cli(...args, '--out', join(dir, 'a.png'));
  assert.equal(omitted.code, 0, omitted.err);
  assert.match(omitted.out, /\d steps, guidance 3\n/);
  const explicit = cli(...args, '--guidance', '5', '--out', join(dir, 'b.png'));
  assert.match(explicit.out, /\d steps, guidance 5\n/);
});

test('an existing output is kept unless --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const out = join(dir, 'mine.png');
  writeFileSync(out, 'the user\'s file');
  const r = cli(...base, '--out', out);
  assert.equal(r.code, 2, 'an output that exists is a bad argument');
  assert.match(r.err, /mine\.png already exists \(use --force to replace\)/);
  assert.equal(readFileSync(out, 'utf8'), 'the user\'s file');
  assert.equal(cli(...base, '--out', out, '--force').code, 0);
  assert.ok(readFileSync(out).subarray(1, 4).equals(Buffer.from('PNG')));
});

test('--dump writes raw float32 latents and image with their shapes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const r = cli(...base, '--batch', '2', '--out', join(dir, 'b.png'), '--dump', join(dir, 'dump'));
  assert.equal(r.code, 0, r.err);
  assert.ok(statSync(join(dir, 'b-2.png')).size > 0);
  const meta = JSON.parse(readFileSync(join(dir, 'dump', 'meta.json'), 'utf8'));
  assert.deepEqual(meta.latents.shape, [2, 4, 8, 8]);
  assert.deepEqual(meta.image.shape, [2, 3, 64, 64]);
  assert.equal(statSync(join(dir, 'dump', 'latents.f32')).size, 2 * 4 * 8 * 8 * 4);
  assert.equal(statSync(join(dir, 'dump', 'image.f32')).size, 2 * 3 * 64 * 64 * 4);
  assert.deepEqual(meta.info.seeds, [3, 4]);
});

test('bad arguments and engine errors exit non-zero with the reason', () => {
  const usage = cli('generate', '--prompt', 'x');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--out <file.png> is required/);
  const bad = cli(...base, '--width', '30', '--out', join(mkdtempSync(join(tmpdir(), 'dl-cli-')), 'x.png'));
  assert.equal(bad.code, 1);
  assert.match(bad.err, /width 30 is not a multiple of 8 \(try 32\) \[BAD_REQUEST\]/);
  assert.match(cli(...base, '--sampler', 'Nope', '--out', 'x.png').err, /unknown sampler "Nope"/);
});

test('--timesteps and --sigmas run an explicit schedule and name it; a bad list is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const steps = cli(...base, '--sampler', 'Euler', '--timesteps', '999, 500,20', '--out', join(dir, 't.png'));
  assert.equal(steps.code, 0, steps.err);
  assert.match(steps.out, /EulerDiscreteScheduler, 3 steps \(timesteps 999, 500, 20\)/);
  const sigmas = cli(...base, '--sampler', 'Euler', '--sigmas', '14.6,2,0', '--out', join(dir, 's.png'));
  assert.equal(sigmas.code, 0, sigmas.err);
  assert.match(sigmas.out, /2 steps \(sigmas 14\.6, 2, 0\)/);
  const word = cli(...base, '--sampler', 'Euler', '--timesteps', '999,abc', '--out', join(dir, 'w.png'));
  assert.equal(word.code, 2);
  assert.match(word.err, /--timesteps must be a number, not "abc"/);
  const ascending = cli(...base, '--sampler', 'Euler', '--timesteps', '20,500', '--out', join(dir, 'a.png'));
  assert.equal(ascending.code, 1);
  assert.match(ascending.err, /strictly descending/);
});

test('a scheduler config warning (a misspelt key) is shown, not swallowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const config = join(dir, 'typo.json');
  writeFileSync(config, JSON.stringify({ _class_name: 'EulerDiscreteScheduler', use_karas_sigmas: true }));
  const r = cli(...base, '--scheduler-config', config, '--out', join(dir, 't.png'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /warning +scheduler config use_karas_sigmas: .*Did you mean use_karras_sigmas\?/);
});
