// Microseconds per step() (median of runs) for every registered sampler on a [2, 4, 64, 64] Float32 latent (Stable
// Diffusion 512² with guidance), over full 20-step runs: into fresh arrays, and into the caller's
// buffers (StepOptions.out, as the engine steps). Peer in the same run: one plain axpy
// (y += a·x) over the same array, the least any step can cost. Noise comes from a fixed array so the
// figure is the sampler's own arithmetic; drawing seeded noise is timed in rng.bench.ts.
import { createScheduler, schedulerClassNames } from '../src/core/samplers/registry';
import type { NoiseSource } from '../src/core/rng/noiseSource';
import type { StepOutput } from '../src/core/samplers/scheduler';
import type { Tensor } from '../src/core/tensor/tensor';

const SHAPE = [2, 4, 64, 64];
const N = 2 * 4 * 64 * 64;
const STEPS = 20;
const RUNS = 10;

const filled = (f: (i: number) => number) => Float32Array.from({ length: N }, (_, i) => f(i));
const modelOutput: Tensor = { data: filled((i) => Math.sin(i * 0.37)), shape: SHAPE };
const fixedNoise = filled((i) => Math.cos(i * 0.91));
const noise: NoiseSource = { randn: () => fixedNoise };

function usPerAxpy(): number {
  const x = filled((i) => Math.sin(i));
  const y = new Float32Array(N);
  const reps = 2000;
  for (let r = 0; r < 200; r++) for (let i = 0; i < N; i++) y[i] += 0.5 * x[i];
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) for (let i = 0; i < N; i++) y[i] += 0.5 * x[i];
  const us = ((performance.now() - t0) * 1000) / reps;
  if (Number.isNaN(y[0])) throw new Error('NaN');
  return us;
}

/** Median over runs of the mean step() time in a run; the first runs warm up the JIT. */
function usPerStep(className: string, reuse: boolean): number {
  // Stable Diffusion 1.x's schedule settings (its DDIM config clips nothing).
  const config = {
    _class_name: className,
    clip_sample: false,
    beta_schedule: 'scaled_linear',
    beta_start: 0.00085,
    beta_end: 0.012,
  };
  const s = createScheduler(config).scheduler!;
  const perRun: number[] = [];
  const buffer = () => ({ data: new Float32Array(N), shape: SHAPE });
  const buffers = (): StepOutput => ({ prevSample: buffer(), predOriginalSample: buffer() });
  const pingPong = [buffers(), buffers()];
  for (let run = -5; run < RUNS; run++) {
    s.setTimesteps(STEPS);
    let x: Tensor = { data: filled((i) => Math.cos(i * 0.13)), shape: SHAPE };
    let ms = 0;
    for (const [i, t] of s.timesteps.entries()) {
      const t0 = performance.now();
      x = s.step(modelOutput, t, x, noise, reuse ? { out: pingPong[i % 2] } : {}).prevSample;
      ms += performance.now() - t0;
    }
    if (run >= 0) perRun.push((ms * 1000) / s.timesteps.length);
  }
  return perRun.sort((a, b) => a - b)[RUNS >> 1];
}

const axpy = usPerAxpy();
console.log(`step() on [${SHAPE.join(',')}] Float32 (${N} values), ${STEPS}-step runs × ${RUNS}:`);
console.log(`  ${'axpy y += a·x (peer)'.padEnd(34)} ${axpy.toFixed(1).padStart(7)} µs`);
console.log(`  ${''.padEnd(34)} ${'fresh'.padStart(10)} ${'into buffers'.padStart(22)}`);
for (const name of schedulerClassNames) {
  const [fresh, into] = [usPerStep(name, false), usPerStep(name, true)];
  const cell = (us: number) => `${us.toFixed(1).padStart(7)} µs ${`(${(us / axpy).toFixed(1)}× axpy)`.padStart(13)}`;
  console.log(`  ${name.padEnd(34)} ${cell(fresh)} ${cell(into)}`);
}
