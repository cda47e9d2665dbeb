// Which share of a sweep's cells this process runs: cells with index % count == index of the shard,
// from --shard i/n or from the cluster scheduler's environment (a Slurm job array, a Kubernetes
// Indexed Job), so every task of an array runs its own share with the same command line.

export interface Shard {
  index: number;
  count: number;
}

export class ShardError extends Error {}

const WHOLE = /^\d+$/;

/** The shard from `--shard i/n`, else Slurm's array variables, else a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX with the count from `--shards` or DIFFUSION_LAB_SHARDS; undefined: all cells. */
export function resolveShard(
  flag: string | undefined,
  shardsFlag: string | undefined,
  env: Record<string, string | undefined>,
): Shard | undefined {
  if (flag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flag);
    if (!m) throw new ShardError(`--shard must be i/n such as 0/4, not "${flag}"`);
    return checked(Number(m[1]), Number(m[2]), `--shard ${flag}`);
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    // Arrays may start anywhere (--array=1-8): the shard is the task's place in the array.
    const id = whole('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID);
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN);
    const count = whole('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT);
    return checked(id - min, count, `SLURM_ARRAY_TASK_ID ${id} (array from ${min}, ${count} tasks)`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = whole('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX);
    const source = shardsFlag !== undefined ? '--shards' : 'DIFFUSION_LAB_SHARDS';
    const count = shardsFlag ?? env.DIFFUSION_LAB_SHARDS;
    if (count === undefined)
      throw new ShardError(
        'JOB_COMPLETION_INDEX is set but not the shard count: ' +
          "give --shards n or DIFFUSION_LAB_SHARDS (the Job's completions)",
      );
    return checked(index, whole(source, count), `JOB_COMPLETION_INDEX ${index} (${source} ${count})`);
  }
  return undefined;
}

/** The sweep indices a shard runs, in order. */
export function shardCells(cellCount: number, shard: Shard | undefined): number[] {
  const all = Array.from({ length: cellCount }, (_, i) => i);
  return shard ? all.filter((i) => i % shard.count === shard.index) : all;
}

function whole(name: string, value: string | undefined): number {
  if (value === undefined || !WHOLE.test(value))
    throw new ShardError(`${name} must be a whole number, not ${value === undefined ? 'unset' : `"${value}"`}`);
  return Number(value);
}

function checked(index: number, count: number, source: string): Shard {
  if (count < 1) throw new ShardError(`${source}: the shard count must be at least 1`);
  if (index < 0 || index >= count)
    throw new ShardError(`${source}: shard index ${index} is out of range 0 to ${count - 1}`);
  return { index, count };
}
