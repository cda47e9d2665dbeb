// What the host reads for a sweep: model folders (once each) and schedule files applied to cells.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { parseSweep } from '../../../src/protocol/sweep';
import { expandCells } from '../../../src/protocol/sweepCells';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { readSweepJson, readSweepFile, resolveCells, SweepError, sweepFileChecks } from '../../../src/runs/sweepFiles';
import { cellKey } from '../../../src/runs/sweepKeys';

/** A PNG of one grey level. */
function png(width: number, height: number, level = 128): Uint8Array {
  return encodePng({ width, height, channels: 3, depth: 8, data: new Uint8Array(width * height * 3).fill(level) });
}

function jpeg(width: number, height: number): Uint8Array {
  return encodeJpeg({ width, height, data: Buffer.alloc(width * height * 4, 128) }, 90).data;
}

function resolveWith(dir: string, values: string[]) {
  const json = {
    version: 1,
    base: { modelDir: relative(dir, defaultModelDir()), prompt: 'p', seed: 1 },
    x: { field: 'scheduleFile', values },
  };
  const sweep = parseSweep(json).sweep!;
  return resolveCells(sweep, dir, expandCells(sweep));
}

test("a schedule file sets the cell's scheduler keys and explicit steps; the model is read and hashed", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-files-'));
  writeFileSync(
    join(dir, 'euler.json'),
    JSON.stringify({ _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'trailing' }),
  );
  const schedules = {
    schedules: {
      a: { config: { _class_name: 'EulerDiscreteScheduler' }, timesteps: [999, 500] },
      b: { config: { _class_name: 'DDIMScheduler' } },
    },
  };
  writeFileSync(join(dir, 'two.schedule.json'), JSON.stringify(schedules));
  const [config, picked] = resolveWith(dir, ['euler.json', 'two.schedule.json#a']);
  assert.deepEqual(config.spec.scheduler, { _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'trailing' });
  assert.deepEqual(picked.spec.timesteps, [999, 500]);
  assert.equal(picked.run.modelDir, defaultModelDir());
  assert.equal(picked.spec.modelDir, relative(dir, defaultModelDir()), 'the keyed spec keeps the path as written');
  assert.match(config.model.hash, /^[0-9a-f]{64}$/);
  assert.equal(config.model.guidanceScale, 3, "tiny-shapes' recommended guidance");
  assert.throws(
    () => resolveWith(dir, ['two.schedule.json']),
    /cell 0 \(x: schedule = two.schedule.json\): .*name one as "two.schedule.json#<name>" \(a, b\)/,
  );
  assert.throws(() => resolveWith(dir, ['two.schedule.json#c']), /it has no schedule "c"/);
  // Saved by an editor that starts UTF-8 with a byte-order mark: read as the same schedule.
  writeFileSync(join(dir, 'bom.json'), `\uFEFF${JSON.stringify({ _class_name: 'EulerDiscreteScheduler' })}`);
  assert.deepEqual(resolveWith(dir, ['bom.json'])[0].spec.scheduler, { _class_name: 'EulerDiscreteScheduler' });
  writeFileSync(join(dir, 'bad.json'), '{"_class_name": "EulerDiscreteScheduler", "beta_start": -1}');
  assert.throws(
    () => resolveWith(dir, ['euler.json', 'bad.json']),
    /cell 1 \(x: schedule = bad.json\): schedule file .*bad.json: .*beta_start/,
  );
});

test('init images resolve beside the sweep and are keyed by their bytes; a missing one names the cell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-files-'));
  writeFileSync(join(dir, 'a.png'), png(8, 8, 10));
  writeFileSync(join(dir, 'b.png'), png(8, 8, 20));
  const json = {
    version: 1,
    base: { modelDir: relative(dir, defaultModelDir()), prompt: 'p', seed: 1 },
    x: { field: 'initImage', values: ['a.png', 'b.png', 'c.png'] },
  };
  const sweep = parseSweep(json).sweep!;
  const [a, b] = resolveCells(sweep, dir, expandCells(sweep).slice(0, 2));
  assert.equal(a.run.initImage, join(dir, 'a.png'));
  assert.equal(a.spec.initImage, 'a.png', 'the index keeps the path as written');
  assert.equal(
    a.inputs.initImage,
    createHash('sha256')
      .update(png(8, 8, 10))
      .digest('hex'),
  );
  assert.notEqual(cellKey(a.model, a.spec, a.inputs), cellKey(b.model, b.spec, b.inputs));
  assert.throws(
    () => resolveCells(sweep, dir, expandCells(sweep)),
    /cell 2 \(x: init image = c.png\): init image .*c.png does not exist$/,
  );
});

test("the sweep's checks read its schedule files and images beside it, as typed, and say why one is unusable", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-checks-'));
  writeFileSync(join(dir, 'euler.json'), JSON.stringify({ _class_name: 'EulerDiscreteScheduler' }));
  const ddim = { config: { _class_name: 'DDIMScheduler' } };
  const two = { schedules: { a: ddim, b: ddim } };
  writeFileSync(join(dir, 'two.schedule.json'), JSON.stringify(two));
  writeFileSync(join(dir, 'broken.json'), '{ "_class_name": ');
  writeFileSync(join(dir, 'init.png'), png(8, 8));
  const { problem, model, schedule } = sweepFileChecks(dir);
  assert.equal(problem('scheduleFile', 'euler.json'), undefined);
  assert.equal(problem('scheduleFile', 'two.schedule.json#b'), undefined);
  assert.match(problem('scheduleFile', 'gone.json')!, /^schedule file .*gone\.json does not exist$/);
  assert.match(
    problem('scheduleFile', 'two.schedule.json#c')!,
    /it has no schedule "c"; give "two\.schedule\.json#<name>" \(a, b\)/,
  );
  assert.match(problem('scheduleFile', 'two.schedule.json')!, /name one as "two\.schedule\.json#<name>"/);
  assert.match(problem('scheduleFile', 'broken.json')!, /^schedule file .*broken\.json: /);
  assert.deepEqual(schedule!('two.schedule.json#b')?.config, ddim.config);
  assert.equal(schedule!('broken.json'), undefined);
  assert.equal(problem('initImage', 'init.png'), undefined);
  assert.match(problem('mask', 'mask.png')!, /mask\.png does not exist$/);
  // Under a file, as if it were a folder (ENOTDIR): said, not thrown.
  assert.match(problem('mask', 'euler.json/mask.png')!, /euler\.json\/mask\.png does not exist$/);
  assert.equal(typeof model(relative(dir, defaultModelDir())), 'object');
});

test('an input image the run could not read is a problem that names the file, found without decoding it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-images-'));
  const whole = png(64, 48);
  const huge = png(1, 1);
  new DataView(huge.buffer).setUint32(16, 100_000);
  new DataView(huge.buffer).setUint32(20, 100_000);
  const files: Record<string, Uint8Array | string> = {
    'good.png': whole,
    'good.jpg': jpeg(40, 24),
    'empty.png': '',
    'text.png': 'not an image at all',
    'huge.png': huge,
    'cut.png': whole.subarray(0, 60),
    'no-end.png': whole.subarray(0, whole.length - 12),
    'cut.jpg': jpeg(40, 24).subarray(0, 400),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  const { problem, imageSize } = sweepFileChecks(dir);
  assert.equal(problem('initImage', 'good.png'), undefined);
  assert.deepEqual(imageSize!('good.png'), { width: 64, height: 48 });
  assert.deepEqual(imageSize!('good.jpg'), { width: 40, height: 24 });
  const problems = Object.keys(files)
    .filter((name) => !name.startsWith('good'))
    .map((name) => [name, problem('mask', name)?.replace(dir, '<dir>')]);
  assert.deepEqual(problems, [
    ['empty.png', 'mask <dir>/empty.png is empty'],
    ['text.png', 'mask <dir>/text.png: not a PNG or JPEG file'],
    ['huge.png', 'mask <dir>/huge.png: 100000x100000 is larger than 4096 on a side'],
    ['cut.png', 'mask <dir>/cut.png: the file is cut short: it ends before its IEND chunk'],
    ['no-end.png', 'mask <dir>/no-end.png: the file is cut short: it ends before its IEND chunk'],
    ['cut.jpg', 'mask <dir>/cut.jpg: the file is cut short: it ends before its end-of-image marker'],
  ]);
  assert.equal(imageSize!('huge.png'), undefined);
  // Read again once the file changes.
  writeFileSync(join(dir, 'good.png'), '');
  assert.match(sweepFileChecks(dir).problem('initImage', 'good.png')!, /good\.png is empty$/);
});

test('a sweep file read from disk is refused at the value for what its files and its model would refuse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-read-'));
  writeFileSync(join(dir, 'a.png'), png(64, 64));
  writeFileSync(join(dir, 'small.png'), png(32, 32));
  writeFileSync(join(dir, 'empty.png'), '');
  const schedules = { schedules: { a: { config: { _class_name: 'DDIMScheduler' }, timesteps: [999, 500] } } };
  writeFileSync(join(dir, 'ddim.schedule.json'), JSON.stringify(schedules));
  writeFileSync(
    join(dir, 'typo.json'),
    JSON.stringify({ _class_name: 'EulerDiscreteScheduler', use_karas_sigmas: true }),
  );
  const base = { modelDir: relative(dir, defaultModelDir()), prompt: 'a red circle', seed: 1, steps: 2 };
  const read = (json: Record<string, unknown>) => {
    writeFileSync(join(dir, 'x.sweep.json'), JSON.stringify({ version: 1, base, ...json }));
    return readSweepFile(join(dir, 'x.sweep.json')).findings.map((f) => [f.path.join('.'), f.severity, f.message]);
  };
  const dpm = { _class_name: 'DPMSolverMultistepScheduler', solver_order: 99 };
  assert.deepEqual(read({ x: { field: 'scheduler', values: [{ _class_name: 'EulerDiscreteScheduler' }, dpm] } }), [
    ['x.values.1', 'error', 'cannot build the scheduler: solver_order = 99 is above the maximum 3'],
  ]);
  const files = read({ x: { field: 'scheduleFile', values: ['typo.json', 'ddim.schedule.json#a'] } });
  assert.deepEqual(
    files.map(([path, severity]) => [path, severity]),
    [
      ['x.values.1', 'error'],
      ['x.values.0', 'warning'],
    ],
  );
  assert.match(files[0][2], /^DDIMScheduler cannot take custom timesteps: /);
  assert.match(files[1][2], /use_karas_sigmas is not a config key of EulerDiscreteScheduler/);
  const images = { field: 'initImage', values: ['a.png', 'empty.png', 'small.png'] };
  assert.deepEqual(read({ base: { ...base, mask: 'a.png', strength: 0.5 }, x: images }), [
    ['x.values.1', 'error', `init image ${join(dir, 'empty.png')} is empty`],
    [
      'x.values.2',
      'error',
      'mask "a.png" is 64x64 but the init image "small.png" is 32x32; they must be the same size',
    ],
  ]);
});

test('a sweep file nested past the limit, or with a byte-order mark, is read as what it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-deep-'));
  const deep = join(dir, 'deep.sweep.json');
  writeFileSync(deep, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  assert.throws(
    () => readSweepFile(deep),
    (e: Error) =>
      e instanceof SweepError &&
      /deep\.sweep\.json is nested more than 16 levels deep \(at offset 16\)$/.test(e.message),
  );
  const bom = join(dir, 'bom.sweep.json');
  writeFileSync(bom, '\uFEFF{"version": 1}');
  assert.deepEqual(readSweepJson(bom, 'sweep file'), { version: 1 });
});
