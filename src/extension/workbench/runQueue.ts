// The workbench's queue: a Generate makes "batch count" runs one after another (or, with "Generate
// forever", runs until cancelled); a Generate pressed while runs are going waits its turn. Seeds
// continue from run to run as A1111's batch count does (processing.py: seed + n·batch size, or, with
// a variation strength, the variation seed). A run that fails or is cancelled empties the queue.
import { isVaried, RANDOM_SEED, RUN_LIMITS, type RunSpec } from '../../protocol/run';
import type { QueueState } from '../../protocol/workbench';
import type { CompletedRun, RunRequest } from '../runService';

interface Job {
  request: RunRequest;
  /** Runs still to start; Infinity for "Generate forever". */
  left: number;
  started: number;
}

export class RunQueue {
  private jobs: Job[] = [];
  private draining = false;

  constructor(
    private readonly run: (request: RunRequest) => Promise<CompletedRun | undefined>,
    private readonly changed: (state: QueueState) => void,
  ) {}

  /** Queues `count` runs of a request (Infinity: until cancelled). */
  add(request: RunRequest, count: number): void {
    this.jobs.push({ request, left: count, started: 0 });
    this.changed(this.state());
    void this.drain();
  }

  /** Drops every waiting run (the one in progress is the caller's to cancel). */
  clear(): void {
    this.jobs = [];
    this.changed(this.state());
  }

  state(): QueueState {
    const forever = this.jobs.some((j) => j.left === Infinity);
    return { waiting: forever ? 0 : this.jobs.reduce((n, j) => n + j.left, 0), forever };
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.jobs.length > 0) {
        const job = this.jobs[0];
        const spec = continuedSpec(job.request.spec, job.started++);
        if (--job.left <= 0) this.jobs.shift();
        this.changed(this.state());
        if (!(await this.run({ ...job.request, spec }))) this.clear();
      }
    } finally {
      this.draining = false;
    }
  }
}

/** The spec of the n-th run (from 0) of a batch count: the seed (or, for a varied run, the variation
 * seed) moved on by n batches; a random seed stays random, so each run draws its own. */
export function continuedSpec(spec: RunSpec, n: number): RunSpec {
  const key = isVaried(spec) ? 'subseed' : 'seed';
  const seed = spec[key];
  if (seed === undefined || seed === RANDOM_SEED) return spec;
  return { ...spec, [key]: (seed + n * spec.batchSize) % (RUN_LIMITS.seed.max + 1) };
}
