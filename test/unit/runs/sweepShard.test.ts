// Which cells a process runs: from --shard, a Slurm job array or a Kubernetes Indexed Job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShard, shardCells } from '../../../src/runs/sweepShard';

test('--shard i/n wins over the environment', () => {
  assert.deepEqual(resolveShard('2/3', undefined, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '5' }), {
    index: 2,
    count: 3,
  });
  assert.equal(resolveShard(undefined, undefined, {}), undefined);
});

test('a Slurm array task runs its place in the array, wherever the array starts', () => {
  assert.deepEqual(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' }), {
    index: 3,
    count: 4,
  });
  const fromOne = { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' };
  assert.deepEqual(resolveShard(undefined, undefined, fromOne), { index: 3, count: 4 });
});

test('a Kubernetes Indexed Job takes its count from --shards or DIFFUSION_LAB_SHARDS', () => {
  assert.deepEqual(resolveShard(undefined, '5', { JOB_COMPLETION_INDEX: '4' }), { index: 4, count: 5 });
  assert.deepEqual(resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '1', DIFFUSION_LAB_SHARDS: '2' }), {
    index: 1,
    count: 2,
  });
  assert.throws(
    () => resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '1' }),
    /give --shards n or DIFFUSION_LAB_SHARDS/,
  );
});

test('a shard out of range or malformed is refused naming where it came from', () => {
  assert.throws(() => resolveShard('3/3', undefined, {}), /--shard 3\/3: shard index 3 is out of range 0 to 2/);
  assert.throws(() => resolveShard('1/0', undefined, {}), /--shard 1\/0: the shard count must be at least 1/);
  assert.throws(() => resolveShard('1of3', undefined, {}), /--shard must be i\/n/);
  assert.throws(
    () => resolveShard(undefined, '2', { JOB_COMPLETION_INDEX: '2' }),
    /JOB_COMPLETION_INDEX 2 \(--shards 2\): shard index 2 is out of range 0 to 1/,
  );
  assert.throws(
    () =>
      resolveShard(undefined, undefined, {
        SLURM_ARRAY_TASK_ID: '0',
        SLURM_ARRAY_TASK_MIN: '1',
        SLURM_ARRAY_TASK_COUNT: '2',
      }),
    /out of range/,
  );
  assert.throws(
    () => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '0' }),
    /SLURM_ARRAY_TASK_COUNT must be a whole number up to \d+, not unset/,
  );
});

test('the shards of a sweep cover every cell exactly once', () => {
  const shards = [0, 1, 2].map((index) => shardCells(10, { index, count: 3 }));
  assert.deepEqual(shards, [
    [0, 3, 6, 9],
    [1, 4, 7],
    [2, 5, 8],
  ]);
  assert.deepEqual(shardCells(3, undefined), [0, 1, 2]);
  assert.deepEqual(shardCells(2, { index: 3, count: 4 }), []);
});

test('a shard count with no index is refused: each task of the job would run every cell', () => {
  for (const [shards, env, source] of [
    ['4', {}, '--shards 4'],
    [undefined, { DIFFUSION_LAB_SHARDS: '4' }, 'DIFFUSION_LAB_SHARDS 4'],
  ] as const) {
    assert.throws(
      () => resolveShard(undefined, shards, env),
      new RegExp(`${source} is set but no shard index: give --shard i/n, .*JOB_COMPLETION_INDEX`),
    );
  }
});

test('--shards that another count contradicts is refused; one that agrees is not', () => {
  assert.throws(() => resolveShard('0/2', '3', {}), /--shards 3 contradicts --shard 0\/2: give one shard count/);
  const slurm = { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4' };
  assert.throws(() => resolveShard(undefined, '3', slurm), /--shards 3 contradicts SLURM_ARRAY_TASK_COUNT 4/);
  assert.deepEqual(resolveShard('1/2', '2', {}), { index: 1, count: 2 });
  assert.deepEqual(resolveShard(undefined, '4', slurm), { index: 1, count: 4 });
});

test('an index or count a Number cannot hold exactly is refused, the largest it can is not', () => {
  const max = String(Number.MAX_SAFE_INTEGER);
  assert.throws(
    () => resolveShard('0/99999999999999999999', undefined, {}),
    /--shard count must be a whole number up to 9007199254740991, not "99999999999999999999"/,
  );
  assert.throws(() => resolveShard(`0/${max}1`, undefined, {}), /--shard count must be a whole number up to/);
  assert.throws(() => resolveShard(undefined, '9007199254740992', { JOB_COMPLETION_INDEX: '0' }), /--shards must be/);
  assert.throws(
    () => resolveShard(undefined, '2', { JOB_COMPLETION_INDEX: '18446744073709551616' }),
    /JOB_COMPLETION_INDEX must be a whole number up to/,
  );
  assert.deepEqual(resolveShard(`${Number.MAX_SAFE_INTEGER - 1}/${max}`, undefined, {}), {
    index: Number.MAX_SAFE_INTEGER - 1,
    count: Number.MAX_SAFE_INTEGER,
  });
});
