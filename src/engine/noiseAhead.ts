// Seeded noise drawn on a worker thread (noiseWorker.ts), one draw ahead: after each draw the engine
// takes, the worker works out the next one of the same shape while the engine runs the UNet, so an
// ancestral or SDE scheduler's step copies its noise from memory instead of drawing it (16,384
// PyTorch-exact normals: about 450 µs to draw, 15 µs to copy). A run's generators stay on the engine
// thread until it draws one large enough shape twice in a row (x_T, then a step's noise): only then is the
// worker started, and once it is ready the generators' positions go to it. The stream is SeededNoise's either
// way: a draw of another shape drops the one ahead and comes from the generators as they were.
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
  | { type: 'draw'; job: number; shape: number[]; id: number }
  /** `taken`: the engine took the draw made ahead before this one. */
  | { type: 'ahead'; job: number; shape: number[]; id: number; taken: boolean }
  | { type: 'end'; job: number };

/** Draws of fewer values stay on the engine thread: the worker's start costs 20–30 ms of CPU, which on two
 * cores comes out of the UNet peer's (a 4×4 sweep of the default model, 4,096 values a draw, spent 28 ms
 * starting it to save 2 ms of drawing), while at 16,384 (one 512² Stable Diffusion image) a draw takes
 * about 450 µs, a fast UNet's step more than the engine's own overhead (bench/stepOverhead.bench.ts). */
export const AHEAD_MIN_VALUES = 16_384;

/** How long the engine waits for a draw before it gives the worker up for dead. */
const DRAW_TIMEOUT_MS = 30_000;

let worker: Worker | undefined;
let ready = false;
let nextJob = 1;
/** A job id on the worker, for a run's noise. */
export const newNoiseJob = (): number => nextJob++;
/** A run's generators leave the worker once its noise source is collected. */
const ended = new FinalizationRegistry((job: number) => worker?.postMessage({ type: 'end', job }));

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

class AheadNoise implements NoiseSource {
  private readonly job = newNoiseJob();
  /** [0]: the id of the worker's last draw, in `values`; [1]: 1 where a draw failed (waitForDraw). */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(8));
  private values: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** Images in the batch: one generator each. */
  private readonly batch: number;
  private lastId = 0;
  /** The draw the worker makes ahead. */
  private ahead?: { shape: readonly number[]; id: number };

  constructor(
    private readonly worker: Worker,
    positions: readonly GeneratorPosition[],
    shape: readonly number[],
  ) {
    this.batch = positions.length;
    worker.postMessage({ type: 'start', job: this.job, positions, ctrl: this.ctrl.buffer });
    ended.register(this, this.job);
    this.grow(numel(shape));
    this.ahead = { shape: [...shape], id: this.post({ type: 'ahead', shape: [...shape], taken: false }) };
  }

  randn(shape: readonly number[], out?: Float32Array): Float32Array {
    const n = batchDrawSize(shape, this.batch, out);
    const { ahead } = this;
    const taken = !!ahead && sameShape(ahead.shape, shape);
    if (!taken && n > this.values.length) this.grow(n);
    const id = taken ? ahead.id : this.post({ type: 'draw', shape: [...shape] });
    waitForDraw(this.ctrl, id);
    const data = out ?? new Float32Array(n);
    data.set(this.values.subarray(0, n));
    this.ahead = { shape: [...shape], id: this.post({ type: 'ahead', shape: [...shape], taken }) };
    return data;
  }

  private grow(n: number): void {
    const values = new SharedArrayBuffer(n * 4);
    this.values = new Float32Array(values);
    this.worker.postMessage({ type: 'buffer', job: this.job, values });
  }

  /** Posts a draw and returns its id. */
  private post(m: { type: 'draw'; shape: number[] } | { type: 'ahead'; shape: number[]; taken: boolean }): number {
    this.worker.postMessage({ ...m, job: this.job, id: ++this.lastId });
    return this.lastId;
  }
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
