// Sampler overhead per step (issue 16): the time a denoising step spends outside session.run — guidance,
// scheduler step, copies, checks, the step event and the yield for cancel messages — with the pipeline run in
// this process, so IPC and a second process's scheduling stay out of the figure. Wall time from the run's
// timings, and CPU time between one UNet call's end and the next one's start (onnxruntime's threads sleep
// there), which other processes on a shared machine barely change. tiny-sd at 512² gives SD 1.x's shapes:
// UNet output [2,4,64,64], latents [1,4,64,64]. The peer in the same run is one memcpy of the UNet output,
// the least a step could do with it. Four tool samplers show what a tool run adds per step: A1111's DPM++ 2M
// Karras and UniPC (no noise), Euler a and DPM++ 2M SDE Karras (their next noise drawn on the noise worker
// while the UNet runs: a Brownian-tree draw at this size takes about 4 ms, longer than tiny-sd's UNet call,
// printed beside each line, so most of it shows here; beside a real UNet's call it would not). So a second
// table runs DDIM and the tool samplers beside a GPU's SD 1.5 step: each UNet call padded with an idle wait
// to GPU_STEP_MS, as the engine thread waits on a GPU. A third table runs denoise() alone on a UNet stub that
// answers at once: onnxruntime's threads and caches, the text encoder's and the VAE's garbage are out of that
// figure, which is the engine's own work per step. Nothing is asserted.
import { join } from 'node:path';
import { denoise, type Loop, type RunControl } from '../src/engine/denoise';
import { runPipeline } from '../src/engine/pipeline';
import { createScheduler } from '../src/core/samplers/registry';
import type { ModelSessions } from '../src/engine/modelSessions';
import { SessionCache } from '../src/engine/sessionCache';
import type { GenerateRequest } from '../src/protocol/engine';
import { runSpec, type RunSpec, type ToolSamplerSpec } from '../src/protocol/run';

const STEPS = 20;
/** An SD 1.5 step on an H100 in fp16, the best published onnxruntime figure (issue 16's yardstick). */
const GPU_STEP_MS = 11;
const RUNS = 15;
const MODEL = join(__dirname, '..', 'test', 'fixtures', 'models', 'tiny-sd');
const SAMPLERS = [
  'DDIMScheduler',
  'EulerAncestralDiscreteScheduler',
  'DPMSolverMultistepScheduler',
  'UniPCMultistepScheduler',
];
/** Tool samplers: the steps of k-diffusion's code (src/core/kdiffusion), their noise worked out while the UNet runs. */
const TOOL_SAMPLERS: ToolSamplerSpec[] = [
  { tool: 'a1111', sampler: 'DPM++ 2M', schedule: 'Karras' },
  { tool: 'a1111', sampler: 'Euler a' },
  { tool: 'a1111', sampler: 'DPM++ 2M SDE', schedule: 'Karras' },
  { tool: 'a1111', sampler: 'UniPC' },
];

/** Stable Diffusion 1.x's training schedule. */
const SD_BETAS = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, clip_sample: false };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function usPerCopy(n: number): number {
  const from = new Float32Array(n).fill(1);
  const to = new Float32Array(n);
  const reps = 2000;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) to.set(from);
  return ((performance.now() - t0) * 1000) / reps;
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Wraps the UNet's run() to add up the CPU time between consecutive calls (0 before a run's first). */
function cpuBetweenCalls(unet: { run: (...args: never[]) => Promise<unknown> }): { take(): number } {
  const run = unet.run.bind(unet);
  let lastEnd: number | undefined;
  let total = 0;
  unet.run = async (...args: never[]) => {
    if (lastEnd !== undefined) total += cpuUs() - lastEnd;
    const result = await run(...args);
    lastEnd = cpuUs();
    return result;
  };
  return {
    take() {
      const t = total;
      [total, lastEnd] = [0, undefined];
      return t;
    },
  };
}

/** Lets each UNet call be made to last at least `ms` (0: as it comes), the rest of it an idle wait: the engine
 * thread's lot while a GPU runs the call. Wrapped before cpuBetweenCalls, so the wait counts as the call. */
function padCalls(unet: { run: (...args: never[]) => Promise<unknown> }): { ms: number } {
  const run = unet.run.bind(unet);
  const pad = { ms: 0 };
  unet.run = async (...args: never[]) => {
    const end = performance.now() + pad.ms;
    const result = await run(...args);
    const left = end - performance.now();
    if (left > 0) await new Promise((done) => setTimeout(done, left));
    return result;
  };
  return pad;
}

async function main(): Promise<void> {
  const { sessions } = await new SessionCache().get(MODEL, 'cpu');
  // Without the UNet's peer (unetPeer.ts): its group runs past the engine thread's own session.run, so its
  // CPU time would land between the calls wrapped below. The rows still go in the same two groups.
  await sessions.unetPeer?.release();
  sessions.unetPeer = undefined;
  const control = { onStep: () => {}, cancelled: () => false };
  // Best and median over runs: on a shared machine the best run is the one least disturbed.
  console.log(
    `tiny-sd 512x512, ${STEPS} steps, guidance 7.5, in process; mean per step in a run, best (median) of ${RUNS}`,
  );
  console.log(
    `  ${'memcpy of [2,4,64,64] (peer)'.padEnd(34)} ${usPerCopy(2 * 4 * 64 * 64)
      .toFixed(1)
      .padStart(7)} µs`,
  );
  const pad = padCalls(sessions.unet);
  const between = cpuBetweenCalls(sessions.unet);
  for (const name of SAMPLERS) await measure(sessions, name, { scheduler: { _class_name: name } }, between, control);
  const tools = async () => {
    for (const t of TOOL_SAMPLERS) {
      const name = `${t.tool} ${t.sampler}${t.schedule ? ` ${t.schedule}` : ''}`;
      await measure(sessions, name, { toolSampler: t }, between, control);
    }
  };
  await tools();
  console.log(
    `each UNet call padded to ${GPU_STEP_MS} ms with an idle wait (tiny-sd's step makes two, one per row group), ` +
      'DDIM as the peer:',
  );
  pad.ms = GPU_STEP_MS;
  await measure(sessions, 'DDIMScheduler', { scheduler: { _class_name: 'DDIMScheduler' } }, between, control);
  await tools();
  console.log(`denoise() alone on a UNet stub that answers at once (no text encoder, VAE or onnxruntime):`);
  for (const name of SAMPLERS) await measureLoop(name);
}

/** The denoising loop alone: denoise() on [1,4,64,64] latents with guidance, its UNet a stub that returns a
 * fresh copy of a fixed [2,4,64,64] output per call (onnxruntime-node returns a new array per call too). */
async function measureLoop(name: string): Promise<void> {
  const shape = [1, 4, 64, 64];
  const n = 4 * 64 * 64;
  const output = Float32Array.from({ length: 2 * n }, (_, i) => 0.1 * Math.sin(i));
  const unet = {
    fixedBatch: () => undefined,
    input: () => ({ name: 'timestep', type: 'float32', shape: ['batch'] }),
    run: () => Promise.resolve({ out_sample: { data: output.slice(), dims: [2, ...shape.slice(1)] } }),
  };
  const s = { unet, unetLatentChannels: 4, folder: { files: { unet: 'stub' } } } as unknown as ModelSessions;
  const hidden = { data: new Float32Array(2 * 77 * 8), shape: [2, 77, 8] };
  const text = { uncond: hidden, hidden } as unknown as Loop['text'];
  const noise = { randn: (_: readonly number[], out = new Float32Array(n)) => out.fill(0.01) };
  const { scheduler } = createScheduler({ ...SD_BETAS, _class_name: name });
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = -5; run < 4 * RUNS; run++) {
    scheduler!.setTimesteps(STEPS);
    const loop: Loop = {
      s,
      req: { guidanceScale: 7.5, guidanceRescale: 0 } as Loop['req'],
      shape: { batch: 1 } as Loop['shape'],
      text,
      added: {},
      noise,
      latentShape: shape,
      options: { provider: 'cpu', preview: { every: 0, kind: 'none' } },
      control: { onStep: () => {}, cancelled: () => false },
      unetStepMs: [],
      unetRunMs: [],
    };
    const [c0, t0] = [cpuUs(), performance.now()];
    const latents = { data: output.slice(0, n), shape };
    await denoise(loop, { scheduler: scheduler!, timesteps: scheduler!.timesteps, latents });
    if (run < 0) continue;
    wall.push(((performance.now() - t0) * 1000) / STEPS);
    cpu.push((cpuUs() - c0) / STEPS);
  }
  console.log(`  ${name.padEnd(34)} wall ${figures(wall)}   cpu ${figures(cpu)} per step`);
}

const figures = (xs: number[]) =>
  `${Math.min(...xs)
    .toFixed(1)
    .padStart(7)} (${median(xs).toFixed(1)}) µs`;

async function measure(
  sessions: ModelSessions,
  name: string,
  sampler: Pick<RunSpec, 'scheduler' | 'toolSampler'>,
  between: { take(): number },
  control: RunControl,
): Promise<void> {
  const req: GenerateRequest = {
    spec: runSpec({
      modelDir: MODEL,
      prompt: 'a red cat',
      seed: 1,
      steps: STEPS,
      guidanceScale: 7.5,
      width: 512,
      height: 512,
      ...sampler,
    }),
    options: { provider: 'cpu', preview: { every: 0, kind: 'none' } },
  };
  const perRun: number[] = [];
  const cpuPerRun: number[] = [];
  const unetMs: number[] = [];
  for (let run = -3; run < RUNS; run++) {
    between.take();
    const { timings } = (await runPipeline(sessions, req, control, 0)).info;
    const outside = timings.unetStepMs.reduce((sum, ms, i) => sum + ms - timings.unetRunMs[i], 0);
    const cpu = between.take() / (STEPS - 1);
    if (run >= 0) {
      perRun.push((outside * 1000) / STEPS);
      cpuPerRun.push(cpu);
      unetMs.push(timings.unetRunMs.reduce((sum, ms) => sum + ms, 0) / STEPS);
    }
  }
  const unet = `(UNet ${median(unetMs).toFixed(2)} ms)`;
  console.log(
    `  ${name.padEnd(34)} wall ${figures(perRun)}   cpu ${figures(cpuPerRun)} per step outside session.run ${unet}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
