// Microseconds of the sampler's own work per model call, for every A1111 sampler and ComfyUI sampler_name
// (karras), on Stable Diffusion 512²'s [1,4,64,64] latent over 20-step runs: the core sampler (its step
// math, seeded noise, Brownian tree) around a denoiser stub that answers with a fresh scaled copy, the least a
// denoiser returns. Peer in the same run: that stub alone. Best (median) of 3 runs after a warm-up run.
// Nothing is asserted.
import { A1111_SAMPLERS } from '../src/core/kdiffusion/a1111Samplers';
import { COMFY_SAMPLERS } from '../src/core/kdiffusion/comfySamplers';
import type { Denoiser } from '../src/core/kdiffusion/denoiser';
import { ldmAlphasCumprod } from '../src/core/kdiffusion/sigmaTable';
import { prepareToolRun, sampleToolRun } from '../src/core/kdiffusion/toolRun';
import { isToolFinding, resolveToolSampler, type Tool } from '../src/core/kdiffusion/toolSamplers';

const IMAGE = [4, 64, 64];
const STEPS = 20;
const RUNS = 3;
const alphasCumprod = ldmAlphasCumprod(0.00085, 0.012, 1000);
const stub: Denoiser = (x, sigma) => {
  const k = 1 / Math.sqrt(1 + sigma * sigma);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * k;
  return out;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** µs per model call of one sampler, the stub's own time taken out; best and median of RUNS. */
function perCall(tool: Tool, sampler: string, schedule?: string): [number, number] {
  const resolved = resolveToolSampler(tool, sampler, schedule);
  if (isToolFinding(resolved)) throw new Error(resolved.message);
  const noise = { convention: tool, seed: 1, imageShape: IMAGE, batchSize: 1 };
  const times: number[] = [];
  // One untimed run first: each sampler's code is compiled on its first run.
  for (let r = -1; r < RUNS; r++) {
    const run = prepareToolRun({ resolved, alphasCumprod, steps: STEPS, noise });
    let calls = 0;
    let inStub = 0;
    const t0 = performance.now();
    sampleToolRun(run, (x, sigma) => {
      calls++;
      const s0 = performance.now();
      const out = stub(x, sigma);
      inStub += performance.now() - s0;
      return out;
    });
    if (r >= 0) times.push(((performance.now() - t0 - inStub) * 1000) / calls);
  }
  return [Math.min(...times), median(times)];
}

function stubUs(): number {
  const x = new Float32Array(IMAGE.reduce((a, b) => a * b, 1)).fill(0.5);
  for (let r = 0; r < 50; r++) stub(x, 1);
  const t0 = performance.now();
  for (let r = 0; r < 200; r++) stub(x, 1);
  return ((performance.now() - t0) * 1000) / 200;
}

console.log(`tool samplers on [1,${IMAGE.join(',')}], ${STEPS} steps: µs per model call, best (median) of ${RUNS}`);
console.log(`  ${'denoiser stub alone (peer)'.padEnd(32)} ${stubUs().toFixed(0).padStart(7)}`);
const rows: [Tool, string, string?][] = [
  ...A1111_SAMPLERS.filter((e) => e.sampler).map((e): [Tool, string] => ['a1111', e.label]),
  ...COMFY_SAMPLERS.filter((e) => e.sampler).map((e): [Tool, string, string] => ['comfyui', e.name, 'karras']),
];
for (const [tool, sampler, schedule] of rows) {
  const [best, med] = perCall(tool, sampler, schedule);
  console.log(`  ${`${tool} ${sampler}`.padEnd(32)} ${best.toFixed(0).padStart(7)} (${med.toFixed(0)})`);
}
