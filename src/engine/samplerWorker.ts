// Worker thread that runs a tool-exact sampler (src/core/kdiffusion): the samplers call their denoiser
// synchronously, the UNet runs asynchronously on the engine's thread. Each model call writes x and σ
// into shared memory, asks the engine thread for x̂0 and blocks on an Atomics wait until it is there;
// before waiting it works out the next noise of the ancestral and SDE samplers, which takes milliseconds.
import { parentPort } from 'node:worker_threads';
import type { StepCallback } from '../core/kdiffusion/denoiser';
import { noisePrefetch, prepareToolRun, sampleToolRun } from '../core/kdiffusion/toolRun';
import { isToolFinding, resolveToolSampler } from '../core/kdiffusion/toolSamplers';
import {
  atCadence,
  REPLY,
  type ArrayCadence,
  type SamplerJob,
  type SamplerShared,
  type WorkerMessage,
} from './samplerBridge';

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

/** Thrown in the sampler when the engine stops the run (cancelled, or the UNet failed). */
class Stopped extends Error {}

function denoise(shared: SamplerShared, x: Float32Array, sigma: number, meanwhile: () => void): Float32Array {
  const ctrl = new Int32Array(shared.ctrl);
  new Float32Array(shared.x).set(x);
  new Float64Array(shared.sigma)[0] = sigma;
  Atomics.store(ctrl, 0, REPLY.waiting);
  post({ type: 'denoise' });
  meanwhile();
  Atomics.wait(ctrl, 0, REPLY.waiting);
  if (Atomics.load(ctrl, 0) !== REPLY.ready) throw new Stopped();
  return Float32Array.from(new Float32Array(shared.x0));
}

/** The step callback of one job: x and x̂0 are copied across only at the steps that show them. */
const stepPoster =
  (arrays: ArrayCadence): StepCallback =>
  ({ i, sigma, sigmaHat, x, denoised }) => {
    if (!atCadence(i, arrays)) return post({ type: 'step', i, sigma, sigmaHat });
    const [xs, d] = [Float32Array.from(x), Float32Array.from(denoised)];
    post({ type: 'step', i, sigma, sigmaHat, x: xs, denoised: d }, [xs.buffer, d.buffer]);
  };

// Each message is a job: a worker runs one after another (toolSampling.ts keeps one between runs).
type JobMessage = { job: SamplerJob; shared: SamplerShared; arrays: ArrayCadence };
parentPort!.on('message', ({ job, shared, arrays }: JobMessage) => {
  try {
    const resolved = resolveToolSampler(job.toolSampler.tool, job.toolSampler.sampler, job.toolSampler.schedule);
    if (isToolFinding(resolved)) throw new Error(resolved.message);
    const run = prepareToolRun({ ...job, resolved });
    const prefetch = noisePrefetch(run);
    const model = (x: Float32Array, sigma: number) => denoise(shared, x, sigma, () => prefetch(sigma));
    const x = Float32Array.from(sampleToolRun(run, model, stepPoster(arrays)));
    post({ type: 'done', x }, [x.buffer]);
  } catch (err) {
    if (!(err instanceof Stopped)) post({ type: 'error', message: (err as Error).message });
  }
});
