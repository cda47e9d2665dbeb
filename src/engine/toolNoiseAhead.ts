// A tool run's noise sampler (ancestral or Brownian-tree noise, src/core/noise) on the noise worker
// (noiseWorker.ts), so that the next step's noise is worked out while the UNet runs: before each model
// call the engine asks for the draw the sampler makes after it (prefetch), and the sampler's call then
// copies it from shared memory. The worker holds the only copy of the sampler and makes every draw in
// the order the engine asks for them, so the values are those of the sampler on the engine's thread:
// an ancestral draw is the generators' next whatever its σ (one made ahead is the next call's), a
// Brownian one a function of its σ pair (one made ahead for another pair is dropped).
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
    }
  | { type: 'toolDraw'; job: number; id: number; sigma: number; sigmaNext: number };

/** The run's noise sampler on `worker`; end() releases it there. */
export function toolNoiseAhead(
  worker: Worker,
  r: ResolvedToolSampler,
  toolSampler: ToolSamplerSpec,
  noise: NoiseRunSpec,
  sigmas: readonly number[],
): NoiseSampler & { end(): void } {
  const job = newNoiseJob();
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const values = new Float32Array(new SharedArrayBuffer(imageSize(noise) * noise.batchSize * 4));
  worker.postMessage({ type: 'toolStart', job, toolSampler, noise, sigmas, ctrl: ctrl.buffer, values: values.buffer });
  let lastId = 0;
  const draw = (sigma: number, sigmaNext: number) => {
    worker.postMessage({ type: 'toolDraw', job, id: ++lastId, sigma, sigmaNext });
    return { sigma, sigmaNext, id: lastId };
  };
  const anyPair = r.sampler.noise === 'gaussian';
  let ahead: ReturnType<typeof draw> | undefined;
  const sample = (sigma: number, sigmaNext: number, out: Float32Array): Float32Array => {
    if (out.length !== values.length) {
      throw new RangeError(`tool noise: out has ${out.length} values, the run needs ${values.length}`);
    }
    const usable = ahead && (anyPair || (ahead.sigma === sigma && ahead.sigmaNext === sigmaNext));
    const { id } = usable ? ahead! : draw(sigma, sigmaNext);
    ahead = undefined;
    waitForDraw(ctrl, id);
    out.set(values);
    return out;
  };
  return Object.assign(sample, {
    prefetch(sigma: number, sigmaNext: number) {
      // An ancestral draw made ahead stays the next one until a call takes it.
      if (!(ahead && anyPair)) ahead = draw(sigma, sigmaNext);
    },
    end: () => worker.postMessage({ type: 'end', job }),
  });
}
