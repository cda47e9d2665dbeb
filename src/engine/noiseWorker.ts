// Worker thread that draws a run's seeded noise (noiseAhead.ts): each draw the engine asks for, and then,
// while the engine runs the UNet, the next draws of the same shape from copies of the generators, keeping the
// generators as each draw left them. The engine says how many of those it took when it asks for more, and
// the generators go on from the last it took, so the stream is the one they would give on the engine's
// thread.
import { parentPort } from 'node:worker_threads';
import type { NoiseSampler } from '../core/kdiffusion/denoiser';
import { noiseSamplerFor } from '../core/kdiffusion/toolRun';
import { isToolFinding, resolveToolSampler } from '../core/kdiffusion/toolSamplers';
import { numel } from '../core/tensor/tensor';
import type { ToNoiseWorker } from './noiseAhead';
import { SeededNoise } from './seededNoise';
import type { ToToolNoise } from './toolNoiseAhead';

interface Job {
  /** The generators as far as the engine has taken draws, before those drawn ahead. */
  noise: SeededNoise;
  /** The generators after each draw made ahead so far (copies: each draw ahead starts from the one before). */
  ahead: SeededNoise[];
  /** Counts the engine's requests, so that draws ahead for an earlier one stop. */
  turn: number;
  ctrl: Int32Array;
  values: Float32Array;
}

const jobs = new Map<number, Job>();

/** A tool run's noise sampler (toolNoiseAhead.ts); each draw goes into a slot of `values` (`size` floats),
 * ctrl as for a Job. */
interface ToolJob {
  /** Undefined where it could not be made: each draw then reports a failure. */
  sample?: NoiseSampler;
  ctrl: Int32Array;
  values: Float32Array;
  size: number;
}

const toolJobs = new Map<number, ToolJob>();

function startToolJob(m: Extract<ToToolNoise, { type: 'toolStart' }>): void {
  const values = new Float32Array(m.values);
  const job = { sample: toolNoise(m), ctrl: new Int32Array(m.ctrl), values, size: values.length / Math.max(1, m.bulk) };
  toolJobs.set(m.job, job);
  drawBulk(m.job, job, m.bulk, m.sigmas);
}

/** A tool job's ancestral draws made at once, into slots 0..bulk-1 with ids 1..bulk. */
function drawBulk(id: number, job: ToolJob, bulk: number, sigmas: readonly number[]): void {
  const wanted = () => toolJobs.get(id) === job;
  inTurns(bulk, job.ctrl, bulk, wanted, (k) => toolDraw(job, k + 1, sigmas[k], sigmas[k + 1], k));
}

/** Makes draws 0..count-1 with `drawOne` (false: it failed) a turn of the event loop apart, so that the
 * engine's messages (a job's end, its next request) are heard in between, while they are `wanted`. After a
 * failure `lastId` is given at once, so that no wait for a later draw outlasts it. */
function inTurns(
  count: number,
  ctrl: Int32Array,
  lastId: number,
  wanted: () => boolean,
  drawOne: (k: number) => boolean,
): void {
  const next = (k: number) => {
    if (k >= count || !wanted()) return;
    if (drawOne(k)) setImmediate(next, k + 1);
    else published(ctrl, lastId);
  };
  next(0);
}

/** The run's noise sampler, or undefined where it cannot be made: the engine has checked the same names and
 * σ, so that happens only as a bug would. */
function toolNoise({ toolSampler: t, noise, sigmas }: Extract<ToToolNoise, { type: 'toolStart' }>) {
  const r = resolveToolSampler(t.tool, t.sampler, t.schedule);
  try {
    return isToolFinding(r) ? undefined : noiseSamplerFor(r, noise, sigmas);
  } catch {
    return undefined;
  }
}

/** Draws into slot `slot`; false where the draw failed. */
function toolDraw(job: ToolJob, id: number, sigma: number, sigmaNext: number, slot = 0): boolean {
  return drawn(job.ctrl, id, () => {
    if (!job.sample) throw new Error('no noise sampler');
    job.sample(sigma, sigmaNext, job.values.subarray(slot * job.size, (slot + 1) * job.size));
  });
}

/** Draws `shape` from `noise` into the job's buffer at `slot` (of the shape's size) and tells the engine which
 * draw is there; false where it failed. */
function draw(job: Job, noise: SeededNoise, shape: readonly number[], id: number, slot = 0): boolean {
  const n = numel(shape);
  return drawn(job.ctrl, id, () => noise.randn(shape, job.values.subarray(slot * n, (slot + 1) * n)));
}

/** A new request: the generators as the engine's last `taken` draw ahead left them, the others dropped. */
function adopt(job: Job, taken: number): void {
  if (taken > 0) job.noise = job.ahead[taken - 1];
  job.ahead = [];
  job.turn++;
}

/** Draws `count` of `shape` ahead into slots 0..count-1, ids `id` on, until the engine's next request. */
function drawAhead(jobId: number, job: Job, shape: readonly number[], id: number, count: number): void {
  const turn = job.turn;
  const wanted = () => jobs.get(jobId) === job && job.turn === turn;
  inTurns(count, job.ctrl, id + count - 1, wanted, (k) => {
    const generators = (job.ahead[k - 1] ?? job.noise).clone();
    const ok = draw(job, generators, shape, id + k, k);
    if (ok) job.ahead.push(generators);
    return ok;
  });
}

/** Runs a draw, then tells the engine that draw `id` is made (ctrl [1]: 1 where it failed); false on failure. */
function drawn(ctrl: Int32Array, id: number, make: () => void): boolean {
  let ok = true;
  try {
    make();
  } catch {
    ok = false;
  }
  Atomics.store(ctrl, 1, ok ? 0 : 1);
  published(ctrl, id);
  return ok;
}

/** Tells the engine that draw `id` is made. */
function published(ctrl: Int32Array, id: number): void {
  Atomics.store(ctrl, 0, id);
  Atomics.notify(ctrl, 0);
}

parentPort!.on('message', (m: ToNoiseWorker | ToToolNoise) => {
  if (m.type === 'toolStart') return startToolJob(m);
  if (m.type === 'toolDraw') {
    const job = toolJobs.get(m.job);
    return void (job && toolDraw(job, m.id, m.sigma, m.sigmaNext));
  }
  if (m.type === 'end') toolJobs.delete(m.job);
  if (m.type === 'start') {
    const noise = SeededNoise.at(m.positions);
    jobs.set(m.job, { noise, ahead: [], turn: 0, ctrl: new Int32Array(m.ctrl), values: new Float32Array(0) });
    return;
  }
  const job = jobs.get(m.job);
  if (!job) return;
  if (m.type === 'end') jobs.delete(m.job);
  else if (m.type === 'buffer') job.values = new Float32Array(m.values);
  else {
    adopt(job, m.taken);
    if (m.type === 'draw') draw(job, job.noise, m.shape, m.id);
    else drawAhead(m.job, job, m.shape, m.id, m.count);
  }
});
parentPort!.postMessage('ready');
