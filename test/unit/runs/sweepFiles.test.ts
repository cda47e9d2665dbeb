// What the host reads for a sweep: model folders (once each) and schedule files applied to cells.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseSweep } from '../../../src/protocol/sweep';
import { expandCells } from '../../../src/protocol/sweepCells';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { resolveCells, sweepFileChecks } from '../../../src/runs/sweepFiles';
import { cellKey } from '../../../src/runs/sweepKeys';

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
    /cell 0 \(x scheduleFile=two.schedule.json\): .*name one as "two.schedule.json#<name>" \(a, b\)/,
  );
  assert.throws(() => resolveWith(dir, ['two.schedule.json#c']), /it has no schedule "c"/);
  writeFileSync(join(dir, 'bad.json'), '{"_class_name": "EulerDiscreteScheduler", "beta_start": -1}');
  assert.throws(
    () => resolveWith(dir, ['euler.json', 'bad.json']),
    /cell 1 \(x scheduleFile=bad.json\): schedule file .*bad.json: .*beta_start/,
  );
});

test('init images resolve beside the sweep and are keyed by their bytes; a missing one names the cell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-files-'));
  writeFileSync(join(dir, 'a.png'), 'first');
  writeFileSync(join(dir, 'b.png'), 'second');
  const json = {
    version: 1,
    base: { modelDir: relative(dir, defaultModelDir()), prompt: 'p', seed: 1 },
    x: { field: 'initImage', values: ['a.png', 'b.png', 'c.png'] },
  };
  const sweep = parseSweep(json).sweep!;
  const [a, b] = resolveCells(sweep, dir, expandCells(sweep).slice(0, 2));
  assert.equal(a.run.initImage, join(dir, 'a.png'));
  assert.equal(a.spec.initImage, 'a.png', 'the index keeps the path as written');
  assert.equal(a.inputs.initImage, createHash('sha256').update('first').digest('hex'));
  assert.notEqual(cellKey(a.model, a.spec, a.inputs), cellKey(b.model, b.spec, b.inputs));
  assert.throws(
    () => resolveCells(sweep, dir, expandCells(sweep)),
    /cell 2 \(x initImage=c.png\): initImage .*c.png does not exist/,
  );
});

test("the sweep's checks read its schedule files and images beside it, as typed, and say why one is unusable", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-checks-'));
  writeFileSync(join(dir, 'euler.json'), JSON.stringify({ _class_name: 'EulerDiscreteScheduler' }));
  const ddim = { config: { _class_name: 'DDIMScheduler' } };
  const two = { schedules: { a: ddim, b: ddim } };
  writeFileSync(join(dir, 'two.schedule.json'), JSON.stringify(two));
  writeFileSync(join(dir, 'broken.json'), '{ "_class_name": ');
  writeFileSync(join(dir, 'init.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const { problem, model } = sweepFileChecks(dir);
  assert.equal(problem('scheduleFile', 'euler.json'), undefined);
  assert.equal(problem('scheduleFile', 'two.schedule.json#b'), undefined);
  assert.match(problem('scheduleFile', 'gone.json')!, /^schedule file .*gone\.json does not exist$/);
  assert.match(
    problem('scheduleFile', 'two.schedule.json#c')!,
    /it has no schedule "c"; give "two\.schedule\.json#<name>" \(a, b\)/,
  );
  assert.match(problem('scheduleFile', 'two.schedule.json')!, /name one as "two\.schedule\.json#<name>"/);
  assert.match(problem('scheduleFile', 'broken.json')!, /^schedule file .*broken\.json: /);
  assert.equal(problem('initImage', 'init.png'), undefined);
  assert.match(problem('mask', 'mask.png')!, /mask\.png does not exist or is not a file/);
  assert.equal(typeof model(relative(dir, defaultModelDir())), 'object');
});
