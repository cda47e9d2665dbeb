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
    /SLURM_ARRAY_TASK_COUNT must be a whole number, not unset/,
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
