// Which share of a sweep's cells this process runs: cells with index % count == index of the shard,
// from --shard i/n or from the cluster scheduler's environment (a Slurm job array, a Kubernetes
// Indexed Job), so every task of an array runs its own share with the same command line.

export interface Shard {
  index: number;
  count: number;
}

export class ShardError extends Error {}

const WHOLE = /^\d+$/;
/** Largest index or count: Number holds every whole number up to it exactly, so the shard printed and the cells
 * chosen are the ones asked for. A count above the cells is only empty shards, so no smaller cap is needed. */
const MAX_SHARD = Number.MAX_SAFE_INTEGER;

/** The shard from `--shard i/n`, else Slurm's array variables, else a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX with the count from `--shards` or DIFFUSION_LAB_SHARDS; undefined: all cells.
 * A count with no index to go with it, or a `--shards` that another count contradicts, is refused: either
 * would have each task of a job run cells another task runs. */
export function resolveShard(
  flag: string | undefined,
  shardsFlag: string | undefined,
  env: Record<string, string | undefined>,
): Shard | undefined {
  const count = shardsFlag === undefined ? undefined : whole('--shards', shardsFlag);
  if (flag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flag);
    if (!m) throw new ShardError(`--shard must be i/n such as 0/4, not "${flag}"`);
    const shard = checked(whole('--shard index', m[1]), whole('--shard count', m[2]), `--shard ${flag}`);
    return agreeing(shard, count, `--shard ${flag}`);
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    // Arrays may start anywhere (--array=1-8): the shard is the task's place in the array.
    const id = whole('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID);
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN);
    const tasks = whole('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT);
    const shard = checked(id - min, tasks, `SLURM_ARRAY_TASK_ID ${id} (array from ${min}, ${tasks} tasks)`);
    return agreeing(shard, count, `SLURM_ARRAY_TASK_COUNT ${tasks}`);
  }
  const source = shardsFlag !== undefined ? '--shards' : 'DIFFUSION_LAB_SHARDS';
  const given = shardsFlag ?? env.DIFFUSION_LAB_SHARDS;
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = whole('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX);
    if (given === undefined)
      throw new ShardError(
        'JOB_COMPLETION_INDEX is set but not the shard count: ' +
          "give --shards n or DIFFUSION_LAB_SHARDS (the Job's completions)",
      );
    return checked(index, count ?? whole(source, given), `JOB_COMPLETION_INDEX ${index} (${source} ${given})`);
  }
  if (given !== undefined)
    throw new ShardError(
      `${source} ${given} is set but no shard index: give --shard i/n, or run as a Kubernetes Indexed Job ` +
        '(JOB_COMPLETION_INDEX); without one every task would run every cell',
    );
  return undefined;
}

/** The sweep indices a shard runs, in order. */
export function shardCells(cellCount: number, shard: Shard | undefined): number[] {
  const all = Array.from({ length: cellCount }, (_, i) => i);
  return shard ? all.filter((i) => i % shard.count === shard.index) : all;
}

function whole(name: string, value: string | undefined): number {
  if (value === undefined || !WHOLE.test(value) || Number(value) > MAX_SHARD)
    throw new ShardError(
      `${name} must be a whole number up to ${MAX_SHARD}, not ${value === undefined ? 'unset' : `"${value}"`}`,
    );
  return Number(value);
}

function checked(index: number, count: number, source: string): Shard {
  if (count < 1) throw new ShardError(`${source}: the shard count must be at least 1`);
  if (index < 0 || index >= count)
    throw new ShardError(`${source}: shard index ${index} is out of range 0 to ${count - 1}`);
  return { index, count };
}

/** The shard, unless `--shards` (count) says another count. */
function agreeing(shard: Shard, count: number | undefined, source: string): Shard {
  if (count !== undefined && count !== shard.count)
    throw new ShardError(`--shards ${count} contradicts ${source}: give one shard count`);
  return shard;
}
