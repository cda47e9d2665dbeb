// `diffusion-lab sweep` as a user runs it, on the shipped default model: three shards as separate
// processes (by flag, Slurm array and Kubernetes Indexed Job variables) merged against one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { readCellImage, readIndex } from '../../../src/runs/sweepIndex';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'start.ts');
/** No inherited scheduler variables: each run says its own shard. */
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(SLURM_|JOB_COMPLETION_INDEX|DIFFUSION_LAB_SHARDS)/.test(k)),
);

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'sweep', ...args], {
    encoding: 'utf8',
    env: { ...CLEAN_ENV, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A 2×2 sweep of 4-step cells, its model given relative to the sweep file. */
function sweepFile(extra: Record<string, unknown> = {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-cli-'));
  const sweep = {
    version: 1,
    base: {
      modelDir: relative(dir, defaultModelDir()),
      prompt: 'a large red circle in the center on a blue background',
      seed: 1,
      steps: 4,
    },
    x: { field: 'sampler', values: ['Euler', 'DDIM'] },
    y: { field: 'seed', values: { from: 1, count: 2 } },
    ...extra,
  };
  const file = join(dir, 'test.sweep.json');
  writeFileSync(file, JSON.stringify(sweep));
  return { dir, file };
}

test('three shards as separate processes, merged, equal one unsharded run; a re-run runs no model', async () => {
  const { dir, file } = sweepFile();
  const whole = join(dir, 'whole');
  const one = cli([file, '--out', whole]);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /ran +4 cells, 0 cached\n/);
  const shards: { out: string; args: string[]; env: Record<string, string> }[] = [
    { out: join(dir, 's0'), args: ['--shard', '0/3'], env: {} },
    {
      out: join(dir, 's1'),
      args: [],
      env: { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' },
    },
    { out: join(dir, 's2'), args: [], env: { JOB_COMPLETION_INDEX: '2', DIFFUSION_LAB_SHARDS: '3' } },
  ];
  const ran = shards.map((s) => {
    const r = cli([file, '--out', s.out, ...s.args], s.env);
    assert.equal(r.code, 0, r.err);
    return readIndex(s.out).cells.map((c) => c.index);
  });
  assert.deepEqual(ran, [[0, 3], [1], [2]]);
  const merged = join(dir, 'merged');
  const m = cli(['--merge', ...shards.map((s) => s.out), '--out', merged]);
  assert.equal(m.code, 0, m.err);
  assert.equal(readFileSync(join(merged, 'index.json'), 'utf8'), readFileSync(join(whole, 'index.json'), 'utf8'));
  assert.ok(readFileSync(join(merged, 'grid.png')).equals(readFileSync(join(whole, 'grid.png'))), 'grid.png bytes');
  for (const cell of readIndex(whole).cells) {
    assert.deepEqual(
      (await readCellImage(join(merged, cell.file))).rgba,
      (await readCellImage(join(whole, cell.file))).rgba,
      `cell ${cell.index} pixels`,
    );
  }
  const again = cli([file, '--out', whole]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /ran +0 cells, 4 cached \(no engine started\)/);
  // With no engine started, the model's hash in the cache folder is the CLI's own, kept for later processes.
  const cache = join(dir, 'cache');
  const kept = cli([file, '--out', whole], { DIFFUSION_LAB_ORT_CACHE: cache });
  assert.match(kept.out, /no engine started/);
  const hashes = readdirSync(join(cache, 'hashes')).map((f) => readFileSync(join(cache, 'hashes', f), 'utf8'));
  assert.deepEqual(hashes, [readIndex(whole).cells[0].modelHash]);
});

test('bad input: findings at their paths, a missing model or schedule file named by cell, shard range, limit', () => {
  const broken = sweepFile({ x: { field: 'steps', values: [] }, colour: 'red' });
  const b = cli([broken.file, '--out', join(broken.dir, 'o')]);
  assert.equal(b.code, 2);
  assert.match(b.err, /error at colour: unknown field "colour"/);
  assert.match(b.err, /error at x\.values: axis x has no values/);

  const model = sweepFile({ y: { field: 'modelDir', values: ['no-such-model'] } });
  const mm = cli([model.file, '--out', join(model.dir, 'o')]);
  assert.equal(mm.code, 2);
  assert.match(mm.err, /error at y\.values\.0: model folder .*no-such-model does not exist/);
  // What a model refuses is found before any cell runs, at the value that causes it.
  const fixedSize = join(__dirname, '..', '..', 'fixtures', 'models', 'tiny-sd-static');
  const sizes = sweepFile({
    x: { field: 'size', values: ['64x64', '96x64'] },
    y: { field: 'modelDir', values: [defaultModelDir(), fixedSize] },
  });
  const ss = cli([sizes.file, '--out', join(sizes.dir, 'o')]);
  assert.equal(ss.code, 2);
  assert.match(ss.err, /error at x\.values\.1: with y = ".*tiny-sd-static": width must be 64: tiny-sd-static's UNet/);
  assert.equal(existsSync(join(sizes.dir, 'o')), false, 'no cell ran');

  const schedule = sweepFile({ x: { field: 'scheduleFile', values: ['missing.schedule.json#a'] } });
  assert.match(
    cli([schedule.file, '--out', join(schedule.dir, 'o')]).err,
    /error at x\.values\.0: schedule file .*missing.schedule.json does not exist/,
  );

  const good = sweepFile();
  assert.match(
    cli([good.file, '--out', join(good.dir, 'o'), '--shard', '3/3']).err,
    /--shard 3\/3: shard index 3 is out of range 0 to 2/,
  );
  const over = cli([good.file, '--out', join(good.dir, 'o'), '--cell-limit', '3']);
  assert.equal(over.code, 2);
  assert.match(over.err, /has 4 cells, more than --cell-limit 3: add --yes to run it/);
});

test('merging folders of different sweeps is refused, naming both', () => {
  const a = sweepFile({ y: { field: 'seed', values: [1] } });
  const b = sweepFile({ y: { field: 'seed', values: [2] } });
  for (const s of [a, b]) assert.equal(cli([s.file, '--out', join(s.dir, 'o'), '--shard', '0/2']).code, 0);
  const r = cli(['--merge', join(a.dir, 'o'), join(b.dir, 'o'), '--out', join(a.dir, 'm')]);
  assert.equal(r.code, 2);
  assert.match(r.err, new RegExp(`${join(b.dir, 'o')} holds another sweep than ${join(a.dir, 'o')}`));
});

test("an --out holding another sweep's files or the user's is refused and left as it was; --force writes over", () => {
  const { dir, file } = sweepFile();
  const done = join(dir, 'done');
  assert.equal(cli([file, '--out', done]).code, 0);
  const doneIndex = readFileSync(join(done, 'index.json'));
  const user = join(dir, 'user');
  mkdirSync(user);
  writeFileSync(join(user, 'grid.png'), 'important');
  writeFileSync(join(user, 'index.json'), '{"mine":1}');
  const merge = cli(['--merge', done, '--out', user]);
  assert.equal(merge.code, 2);
  assert.match(
    merge.err,
    /--out \S+user holds an index\.json that is not a sweep index: give another --out, or --force/,
  );
  assert.deepEqual(readdirSync(user), ['grid.png', 'index.json'], 'no cell copied');
  assert.equal(readFileSync(join(user, 'grid.png'), 'utf8'), 'important');

  // Another sweep file (an edit of test.sweep.json itself would be its own folder's cache).
  const other = join(dir, 'other.sweep.json');
  renameSync(sweepFile({ y: { field: 'seed', values: [3] } }).file, other);
  const into = cli([other, '--out', done]);
  assert.equal(into.code, 2);
  assert.match(into.err, /--out \S+done holds the index\.json of another sweep file, test\.sweep\.json:/);
  assert.equal(into.out, '', 'no cell ran');
  assert.ok(readFileSync(join(done, 'index.json')).equals(doneIndex), "the other sweep's index is kept");

  const taken = join(dir, 'taken');
  writeFileSync(taken, 'x');
  const onFile = cli([file, '--out', taken]);
  assert.equal(onFile.code, 2);
  assert.match(onFile.err, /diffusion-lab: --out \S+taken is not a folder\n/);

  const forced = cli(['--merge', done, '--out', user, '--force']);
  assert.equal(forced.code, 0, forced.err);
  assert.ok(readFileSync(join(user, 'index.json')).equals(doneIndex));
});

test('shard flags that would be ignored are refused: no index, counts that disagree, a shard to merge, huge', () => {
  const { dir, file } = sweepFile();
  const out = join(dir, 'o');
  for (const [args, refusal] of [
    [['--shards', '4'], /--shards 4 is set but no shard index: give --shard i\/n, .*\(JOB_COMPLETION_INDEX\)/],
    [['--shards', '3', '--shard', '0/2'], /--shards 3 contradicts --shard 0\/2/],
    [['--shard', '0/99999999999999999999'], /--shard count must be a whole number up to 9007199254740991/],
  ] as const) {
    const r = cli([file, '--out', out, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, refusal);
  }
  const merge = cli(['--merge', join(dir, 's0'), '--out', out, '--shard', '0/2']);
  assert.equal(merge.code, 2);
  assert.match(merge.err, /--merge takes no --shard or --shards/);
  assert.equal(existsSync(out), false, 'nothing ran');
});
