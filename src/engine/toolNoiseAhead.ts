// A tool run's noise sampler (ancestral or Brownian-tree noise, src/core/noise) on the noise worker
// (noiseWorker.ts), so that the engine copies each step's noise from shared memory instead of drawing it.
// An ancestral draw is the generators' next whatever its σ, so the worker makes the run's ancestral draws
// all ahead, one after another from the start, into as many slots as the σ list leads one to expect (up to
// BULK_BYTES): the engine never wakes it during the steps (a post to a sleeping thread costs 50–150 µs on a
// VM). A Brownian draw is a function of its σ pair, so before each model call the engine asks for the draw
// the sampler makes after it (prefetch), and one made ahead for another pair is dropped. The worker holds the
// only copy of the sampler and makes every draw in the order asked, so the values are those of the sampler
// on the engine's thread.
import type { Worker } from 'node:worker_threads';
import type { ResolvedToolSampler } from '../core/kdiffusion/toolSamplers';
import type { NoiseSampler } from '../core/kdiffusion/denoiser';
import type { NoiseRunSpec } from '../core/noise/conventions';
import { imageSize } from '../core/noise/conventions';
import type { ToolSamplerSpec } from '../protocol/run';
import { newNoiseJob, waitForDraw } from './noiseAhead';

export type ToToolNoise =
  | {
      type: 'toolStart';
      job: number;
      toolSampler: ToolSamplerSpec;
      noise: NoiseRunSpec;
      sigmas: readonly number[];
      ctrl: SharedArrayBuffer;
      values: SharedArrayBuffer;
      /** Ancestral draws to make at once, into slots 0..bulk-1 of `values`, ids 1..bulk. */
      bulk: number;
    }
  | { type: 'toolDraw'; job: number; id: number; sigma: number; sigmaNext: number };

/** Most shared memory a run's ancestral draws made ahead take (SD 1.x at 512²: 64 KB a draw, 256 draws). */
const BULK_BYTES = 16 << 20;

/** The run's noise sampler on `worker`; end() releases it there. */
export function toolNoiseAhead(
  worker: Worker,
  r: ResolvedToolSampler,
  toolSampler: ToolSamplerSpec,
  noise: NoiseRunSpec,
  sigmas: readonly number[],
): NoiseSampler & { end(): void } {
  const job = newNoiseJob();
  const size = imageSize(noise) * noise.batchSize;
  const anyPair = r.sampler.noise === 'gaussian';
  const bulk = anyPair ? Math.min(expectedDraws(sigmas), Math.floor(BULK_BYTES / (size * 4))) : 0;
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const values = new Float32Array(new SharedArrayBuffer(Math.max(1, bulk) * size * 4));
  const start: ToToolNoise = {
    type: 'toolStart',
    job,
    toolSampler,
    noise,
    sigmas,
    ctrl: ctrl.buffer,
    values: values.buffer,
    bulk,
  };
  worker.postMessage(start);
  let lastId = bulk;
  let taken = 0;
  const draw = (sigma: number, sigmaNext: number) => {
    worker.postMessage({ type: 'toolDraw', job, id: ++lastId, sigma, sigmaNext });
    return { sigma, sigmaNext, id: lastId };
  };
  let ahead: ReturnType<typeof draw> | undefined;
  const sample = (sigma: number, sigmaNext: number, out: Float32Array): Float32Array => {
    if (out.length !== size) throw new RangeError(`tool noise: out has ${out.length} values, the run needs ${size}`);
    // A draw made at once keeps its own slot: the sampler reads it there.
    if (taken < bulk) {
      waitForDraw(ctrl, ++taken);
      return values.subarray((taken - 1) * size, taken * size);
    }
    const usable = ahead && (anyPair || (ahead.sigma === sigma && ahead.sigmaNext === sigmaNext));
    const { id } = usable ? ahead! : draw(sigma, sigmaNext);
    ahead = undefined;
    waitForDraw(ctrl, id);
    out.set(values.subarray(0, size));
    return out;
  };
  return Object.assign(sample, {
    prefetch(sigma: number, sigmaNext: number) {
      // An ancestral draw made ahead stays the next one until a call takes it.
      if (!(anyPair && (ahead || taken < bulk))) ahead = draw(sigma, sigmaNext);
    },
    end: () => worker.postMessage({ type: 'end', job }),
  });
}

/** The ancestral draws a σ list leads one to expect: one per step into a σ > 0 (a sampler that makes more
 * gets them on demand). */
function expectedDraws(sigmas: readonly number[]): number {
  return sigmas.slice(1).filter((s) => s > 0).length;
}
