// Seeded noise drawn on a worker thread (noiseWorker.ts), ahead of the engine: while the engine runs the UNet,
// the worker works out the next draws of the shape it last took, so an ancestral or SDE scheduler's step
// copies its noise from memory instead of drawing it (16,384 PyTorch-exact normals: about 450 µs to draw,
// 5 µs to copy). It draws AHEAD_DEPTH at a time, asked once for them all: a message that wakes the sleeping
// worker costs the engine thread 15–35 µs, which asked for each draw was a quarter of a step's overhead.
// A run's generators stay on the engine thread until it draws one large enough shape twice in a row (x_T,
// then a step's noise), or until the pipeline says its scheduler draws step noise (ThenAhead.expect): only
// then is the worker started, and once it is ready the generators' positions go to it. The stream is
// SeededNoise's either way: a draw of another shape drops the draws ahead not taken and comes from the
// generators as the taken ones left them.
import type { Worker } from 'node:worker_threads';
import type { NoiseSource } from '../core/rng/noiseSource';
import type { GeneratorPosition } from '../core/rng/torchGenerator';
import { numel, sameShape } from '../core/tensor/tensor';
import { batchDrawSize } from './noiseShape';
import { EngineFailure } from './engineFailure';
import { startEngineWorker } from './engineWorker';
import type { SeededNoise } from './seededNoise';

export type ToNoiseWorker =
  | { type: 'start'; job: number; positions: readonly GeneratorPosition[]; ctrl: SharedArrayBuffer }
  | { type: 'buffer'; job: number; values: SharedArrayBuffer }
  /** Every message that asks for draws says how many of those last asked for ahead the engine `taken`: the
   * generators go on from there. */
  | { type: 'draw'; job: number; shape: number[]; id: number; taken: number }
  /** `count` draws ahead, ids `id` on, into the buffer's first `count` slots of the shape's size. */
  | { type: 'ahead'; job: number; shape: number[]; id: number; count: number; taken: number }
  | { type: 'end'; job: number };

/** Draws of fewer values stay on the engine thread: the worker's start costs 20–30 ms of CPU, which on two
 * cores comes out of the UNet peer's (a 4×4 sweep of the default model, 4,096 values a draw, spent 28 ms
 * starting it to save 2 ms of drawing), while at 16,384 (one 512² Stable Diffusion image) a draw takes
 * about 450 µs, a fast UNet's step more than the engine's own overhead (bench/stepOverhead.bench.ts). */
export const AHEAD_MIN_VALUES = 16_384;

/** Draws asked for ahead at once, where they fit in AHEAD_BYTES; after a draw of another shape, one (it may
 * not come again). Those a run never takes are drawn for nothing on the other core: at most this many, about
 * 1.6 ms at 512² after the last step. */
const AHEAD_DEPTH = 4;
const AHEAD_BYTES = 8 * 2 ** 20;

/** How long the engine waits for a draw before it gives the worker up for dead. */
const DRAW_TIMEOUT_MS = 30_000;

let worker: Worker | undefined;
let ready = false;
let nextJob = 1;
/** A job id on the worker, for a run's noise. */
export const newNoiseJob = (): number => nextJob++;
/** A run's generators leave the worker once its noise source is collected. */
const ended = new FinalizationRegistry((job: number) => worker?.postMessage({ type: 'end', job }));

/** Starts the worker for a run whose steps draw `values` each, where that is enough for the worker (at least
 * AHEAD_MIN_VALUES), so that it loads while the run encodes its prompt. */
export function prepareNoiseWorkerFor(values: number): void {
  if (values >= AHEAD_MIN_VALUES) prepareNoiseWorker();
}

/** Starts the worker unless it runs. */
export function prepareNoiseWorker(): void {
  if (worker) return;
  const w = startEngineWorker('noiseWorker');
  worker = w;
  // The worker does not keep the engine process alive.
  w.unref();
  w.once('message', () => worker === w && (ready = true));
  const forget = () => worker === w && ([worker, ready] = [undefined, false]);
  w.on('error', forget).on('exit', forget);
}

/** The noise worker once it has loaded (toolNoiseAhead.ts gives it tool runs' noise samplers). */
export function readyNoiseWorker(): Worker | undefined {
  return worker && ready ? worker : undefined;
}

/** Noise drawn by the worker from generators at these positions, starting with a draw of `shape` ahead;
 * undefined while the worker is not ready. */
export function aheadNoise(positions: readonly GeneratorPosition[], shape: readonly number[]): NoiseSource | undefined {
  return worker && ready ? new AheadNoise(worker, positions, shape) : undefined;
}

/** SeededNoise on this thread, until it draws one shape of at least AHEAD_MIN_VALUES twice in a row: then on
 * the worker once ready. */
export class ThenAhead implements NoiseSource {
  private ahead?: NoiseSource;
  private last?: readonly number[];

  constructor(private readonly local: SeededNoise) {}

  /** Whether the draws now come from the worker. */
  get drawsAhead(): boolean {
    return this.ahead !== undefined;
  }

  /** The run's steps draw `shape` (Scheduler.drawsStepNoise): the worker draws ahead from the next draw on,
   * where it is ready, rather than from the one after it (the first step's, on this thread: 388 µs at 512²). */
  expect(shape: readonly number[]): void {
    if (this.ahead || numel(shape) < AHEAD_MIN_VALUES) return;
    prepareNoiseWorker();
    this.ahead = aheadNoise(this.local.positions(), shape);
    this.last = [...shape];
  }

  randn(shape: readonly number[], out?: Float32Array): Float32Array {
    if (this.ahead) return this.ahead.randn(shape, out);
    const data = this.local.randn(shape, out);
    if (this.last && sameShape(this.last, shape) && data.length >= AHEAD_MIN_VALUES) {
      prepareNoiseWorker();
      this.ahead = aheadNoise(this.local.positions(), shape);
    }
    this.last = [...shape];
    return data;
  }
}

/** Draws asked for ahead: `count` of `shape` from id `firstId`, of which the engine took `taken`. */
interface Ahead {
  shape: readonly number[];
  firstId: number;
  count: number;
  taken: number;
}

class AheadNoise implements NoiseSource {
  private readonly job = newNoiseJob();
  /** [0]: the id of the worker's last draw, in `values`; [1]: 1 where a draw failed (waitForDraw). */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(8));
  private values: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** Images in the batch: one generator each. */
  private readonly batch: number;
  private lastId = 0;
  private ahead: Ahead;

  constructor(
    private readonly worker: Worker,
    positions: readonly GeneratorPosition[],
    shape: readonly number[],
  ) {
    this.batch = positions.length;
    worker.postMessage({ type: 'start', job: this.job, positions, ctrl: this.ctrl.buffer });
    ended.register(this, this.job);
    this.ahead = this.askAhead(shape, depth(numel(shape)), 0);
  }

  randn(shape: readonly number[], out?: Float32Array): Float32Array {
    const n = batchDrawSize(shape, this.batch, out);
    const { ahead } = this;
    const data = out ?? new Float32Array(n);
    if (sameShape(ahead.shape, shape)) {
      const k = ahead.taken;
      waitForDraw(this.ctrl, ahead.firstId + k);
      data.set(this.values.subarray(k * n, (k + 1) * n));
      if (++ahead.taken === ahead.count) this.ahead = this.askAhead(shape, depth(n), ahead.taken);
      return data;
    }
    if (n > this.values.length) this.grow(n);
    const id = this.post({ type: 'draw', shape: [...shape], taken: ahead.taken });
    waitForDraw(this.ctrl, id);
    data.set(this.values.subarray(0, n));
    this.ahead = this.askAhead(shape, 1, 0);
    return data;
  }

  /** Asks for `count` draws of `shape` ahead, the engine having taken `taken` of those asked for before. */
  private askAhead(shape: readonly number[], count: number, taken: number): Ahead {
    if (count * numel(shape) > this.values.length) this.grow(count * numel(shape));
    const firstId = this.post({ type: 'ahead', shape: [...shape], count, taken }, count);
    return { shape: [...shape], firstId, count, taken: 0 };
  }

  private grow(n: number): void {
    const values = new SharedArrayBuffer(n * 4);
    this.values = new Float32Array(values);
    this.worker.postMessage({ type: 'buffer', job: this.job, values });
  }

  /** Posts a request for `draws` draws, which take the next ids, and returns the id of its first. */
  private post(
    m:
      | { type: 'draw'; shape: number[]; taken: number }
      | { type: 'ahead'; shape: number[]; count: number; taken: number },
    draws = 1,
  ): number {
    const id = this.lastId + 1;
    this.lastId += draws;
    this.worker.postMessage({ ...m, job: this.job, id });
    return id;
  }
}

/** Draws of `n` values asked for ahead at once. */
function depth(n: number): number {
  return Math.max(1, Math.min(AHEAD_DEPTH, Math.floor(AHEAD_BYTES / (4 * n))));
}

/** Blocks until the worker has made draw `id` (ctrl [0]: the id of its last draw, as a job's ids only grow;
 * [1]: 1 where a draw failed): at once where it drew it ahead. */
export function waitForDraw(ctrl: Int32Array, id: number): void {
  const deadline = Date.now() + DRAW_TIMEOUT_MS;
  for (let seen = Atomics.load(ctrl, 0); seen < id; seen = Atomics.load(ctrl, 0)) {
    if (Atomics.wait(ctrl, 0, seen, Math.max(0, deadline - Date.now())) === 'timed-out') {
      throw new EngineFailure('INTERNAL', `the noise worker did not answer in ${DRAW_TIMEOUT_MS / 1000} s`);
    }
  }
  if (Atomics.load(ctrl, 1)) throw new EngineFailure('INTERNAL', 'the noise worker could not draw');
}
