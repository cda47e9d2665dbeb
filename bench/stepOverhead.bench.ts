// Sampler overhead per step (issue 16): the time a denoising step spends outside session.run —
// guidance, scheduler step, copies, checks, the step event and the yield for cancel messages — with
// the pipeline run in this process, so IPC and a second process's scheduling stay out of the figure.
// Wall time from the run's timings, and CPU time between one UNet call's end and the next one's start
// (onnxruntime's threads sleep there), which other processes on a shared machine barely change.
// tiny-sd at 512² gives SD 1.x's shapes: UNet output [2,4,64,64], latents [1,4,64,64]. The peer in the
// same run is one memcpy of the UNet output, the least a step could do with it. Nothing is asserted.
import { join } from 'node:path';
import { runPipeline } from '../src/engine/pipeline';
import { SessionCache } from '../src/engine/sessionCache';
import type { GenerateRequest } from '../src/protocol/engine';
import { runSpec } from '../src/protocol/run';

const STEPS = 20;
const RUNS = 15;
const MODEL = join(__dirname, '..', 'test', 'fixtures', 'models', 'tiny-sd');
const SAMPLERS = [
  'DDIMScheduler',
  'EulerAncestralDiscreteScheduler',
  'DPMSolverMultistepScheduler',
  'UniPCMultistepScheduler',
];

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

async function main(): Promise<void> {
  const { sessions } = await new SessionCache().get(MODEL, 'cpu');
  const between = cpuBetweenCalls(sessions.unet);
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
  for (const name of SAMPLERS) {
    const req: GenerateRequest = {
      spec: runSpec({
        modelDir: MODEL,
        prompt: 'a red cat',
        seed: 1,
        steps: STEPS,
        guidanceScale: 7.5,
        width: 512,
        height: 512,
        scheduler: { _class_name: name },
      }),
      options: { provider: 'cpu', preview: { every: 0, kind: 'none' } },
    };
    const perRun: number[] = [];
    const cpuPerRun: number[] = [];
    for (let run = -3; run < RUNS; run++) {
      between.take();
      const { timings } = (await runPipeline(sessions, req, control, 0)).info;
      const outside = timings.unetStepMs.reduce((sum, ms, i) => sum + ms - timings.unetRunMs[i], 0);
      const cpu = between.take() / (STEPS - 1);
      if (run >= 0) {
        perRun.push((outside * 1000) / STEPS);
        cpuPerRun.push(cpu);
      }
    }
    const figures = (xs: number[]) =>
      `${Math.min(...xs)
        .toFixed(1)
        .padStart(7)} (${median(xs).toFixed(1)}) µs`;
    console.log(
      `  ${name.padEnd(34)} wall ${figures(perRun)}   cpu ${figures(cpuPerRun)} per step outside session.run`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
