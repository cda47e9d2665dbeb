// Worker thread that draws a run's seeded noise (noiseAhead.ts): each draw the engine asks for, and then,
// while the engine runs the UNet, the next draw of the same shape from copies of the generators. The
// engine takes that draw when it asks for that shape next (the copies become the generators) and
// otherwise has it dropped, so the stream is the one the generators would give on the engine's thread.
import { parentPort } from 'node:worker_threads';
import type { NoiseSampler } from '../core/kdiffusion/denoiser';
import { noiseSamplerFor } from '../core/kdiffusion/toolRun';
import { isToolFinding, resolveToolSampler } from '../core/kdiffusion/toolSamplers';
import { numel } from '../core/tensor/tensor';
import type { ToNoiseWorker } from './noiseAhead';
import { SeededNoise } from './seededNoise';
import type { ToToolNoise } from './toolNoiseAhead';

interface Job {
  /** The generators as far as the engine has taken draws. */
  noise: SeededNoise;
  /** Copies one draw further, after a draw ahead. */
  ahead?: SeededNoise;
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

/** A tool job's ancestral draws made at once, into slots 0..bulk-1 with ids 1..bulk, a turn of the event loop
 * apart so that other jobs' messages (and this one's end) are heard in between. After a failure the last id
 * is given at once, so that no wait for a later draw outlasts it. */
function drawBulk(id: number, job: ToolJob, bulk: number, sigmas: readonly number[]): void {
  const next = (k: number) => {
    if (k >= bulk || toolJobs.get(id) !== job) return;
    if (toolDraw(job, k + 1, sigmas[k], sigmas[k + 1], k)) setImmediate(next, k + 1);
    else published(job.ctrl, bulk);
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

/** Draws `shape` from `noise` into the job's buffer and tells the engine which draw is there. */
function draw(job: Job, noise: SeededNoise, shape: readonly number[], id: number): void {
  drawn(job.ctrl, id, () => noise.randn(shape, job.values.subarray(0, numel(shape))));
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
    jobs.set(m.job, { noise: SeededNoise.at(m.positions), ctrl: new Int32Array(m.ctrl), values: new Float32Array(0) });
    return;
  }
  const job = jobs.get(m.job);
  if (!job) return;
  if (m.type === 'end') jobs.delete(m.job);
  else if (m.type === 'buffer') job.values = new Float32Array(m.values);
  else if (m.type === 'draw') {
    job.ahead = undefined;
    draw(job, job.noise, m.shape, m.id);
  } else {
    // The engine took the draw ahead: the copies it came from are now the generators.
    if (m.taken) job.noise = job.ahead!;
    job.ahead = job.noise.clone();
    draw(job, job.ahead, m.shape, m.id);
  }
});
parentPort!.postMessage('ready');
