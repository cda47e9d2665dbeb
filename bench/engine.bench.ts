// Engine figures (issue 4): ms for text encoding, each UNet step and the VAE decode; sampler overhead
// per step (time outside session.run) as % of the step; the host's longest event-loop stall during a
// run against the stall of the same UNet run in-process; wall time with previews every step against
// previews off. Warm engine, CPU provider unless BENCH_PROVIDER says otherwise. Nothing is asserted.
import { runSpec } from '../src/protocol/run';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../src/runs/engineClient';
import { defaultModelDir, engineEntry } from '../src/runs/enginePaths';
import { OnnxModel } from '../src/engine/onnxModel';
import { readModelFolder } from '../src/modelFolder/modelFolder';
import type { GenerateRequest, GenerateResult, PreviewKind, ProviderName } from '../src/protocol/engine';

const STEPS = 20;
const RUNS = 9;
const provider = (process.env.BENCH_PROVIDER ?? 'cpu') as ProviderName;
// The tiny test model at 512x512 has SD 1.x's latent size (4x64x64), so the per-step array work
// around the UNet is what a real SD run does; the default model runs at its native size.
const models: [string, number | undefined][] = [
  [join(__dirname, '..', 'test', 'fixtures', 'models', 'tiny-sd'), 512],
  [defaultModelDir(), undefined],
].filter(([d]) => existsSync(join(d as string, 'unet', 'model.onnx'))) as [string, number | undefined][];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number) => x.toFixed(x < 10 ? 2 : 1);

async function timed(engine: EngineClient, req: GenerateRequest): Promise<{ wall: number; result: GenerateResult }> {
  const t0 = performance.now();
  const result = await engine.generate(req);
  return { wall: performance.now() - t0, result };
}

/** The longest event-loop stall and its 99th percentile (ms) while `work` runs on this thread. */
async function stall(work: () => Promise<unknown>): Promise<{ max: number; p99: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await work();
  h.disable();
  return { max: h.max / 1e6, p99: h.percentile(99) / 1e6 };
}

async function benchModel(engine: EngineClient, modelDir: string, size: number | undefined): Promise<void> {
  const prompt = 'a small red circle at the top left on a blue background';
  const req = (preview: PreviewKind = 'none'): GenerateRequest => ({
    spec: runSpec({ modelDir, prompt, seed: 1, steps: STEPS, guidanceScale: 7.5, width: size, height: size }),
    options: { provider, preview: { every: preview === 'none' ? 0 : 1, kind: preview } },
  });
  await engine.generate(req()); // load and warm up
  const runs: GenerateResult[] = [];
  const walls: Record<string, number[]> = { none: [], latent: [], taesd: [], vae: [] };
  const hasTaesd = existsSync(join(modelDir, 'taesd_decoder'));
  let hostStall = { max: 0, p99: 0 };
  // The host thread's own CPU time during runs: a stall longer than this is the OS scheduler, not us.
  let hostCpuMs = 0;
  let hostWallMs = 0;
  for (let i = 0; i < RUNS; i++) {
    const kinds: PreviewKind[] = ['none', 'latent', 'vae', ...(hasTaesd ? (['taesd'] as const) : [])];
    // Rotated each round so no kind always follows the same neighbour (GC, caches).
    for (const kind of kinds.map((_, k) => kinds[(k + i) % kinds.length])) {
      let r: { wall: number; result: GenerateResult } | undefined;
      const cpu = process.cpuUsage();
      const s = await stall(async () => (r = await timed(engine, req(kind))));
      if (kind === 'none') {
        const used = process.cpuUsage(cpu);
        hostCpuMs += (used.user + used.system) / 1000;
        hostWallMs += r!.wall;
        hostStall = { max: Math.max(hostStall.max, s.max), p99: Math.max(hostStall.p99, s.p99) };
        runs.push(r!.result);
      }
      walls[kind].push(r!.wall);
    }
  }
  const t = runs.map((r) => r.info.timings);
  const step = median(t.map((x) => mean(x.unetStepMs)));
  const run = median(t.map((x) => mean(x.unetRunMs)));
  const info = runs[0].info;
  console.log(
    `\n${info.model.name} (${info.spec.width}x${info.spec.height}, ${STEPS} steps, guidance on, provider ${info.provider}; median of ${RUNS} warm runs)`,
  );
  console.log(`  text encoder      ${f(median(t.map((x) => x.textEncoderMs)))} ms`);
  console.log(`  unet step         ${f(step)} ms  (session.run ${f(run)} ms)`);
  console.log(
    `  sampler overhead  ${f(((step - run) / step) * 100)} % of a step (${f((step - run) * 1000)} µs: guidance, scheduler step, copies, event, yield)`,
  );
  console.log(`  vae decode        ${f(median(t.map((x) => x.vaeMs)))} ms`);
  console.log(`  run wall time     ${f(median(walls.none))} ms`);
  for (const kind of ['latent', 'vae', 'taesd'].filter((k) => walls[k].length)) {
    console.log(
      `  previews every step (${kind.padEnd(6)}) / off: ${(median(walls[kind]) / median(walls.none)).toFixed(3)}`,
    );
  }

  // The same UNet run on the host thread, as an extension that ran onnxruntime in-process would.
  const unet = await OnnxModel.create(join(modelDir, 'unet', 'model.onnx'), 'unet/model.onnx', 'cpu');
  const [, c] = unet.input('sample').shape as number[];
  const side = info.spec.height / readModelFolder(modelDir).vaeScale;
  const tShape = unet.input('timestep').shape;
  const tDims = tShape.length === 0 ? [] : [tShape[0] === 1 ? 1 : 2];
  const feeds: Parameters<typeof unet.run>[0] = {
    sample: { data: new Float32Array(2 * c * side * side), dims: [2, c, side, side] },
    timestep: { data: tDims.length ? new Array(tDims[0]).fill(500) : [500], dims: tDims },
  };
  const ehs = unet.inputs.find((i) => i.name === 'encoder_hidden_states');
  if (ehs) {
    const [seq, width] = [typeof ehs.shape[1] === 'number' ? ehs.shape[1] : 77, ehs.shape[2] as number];
    feeds.encoder_hidden_states = { data: new Float32Array(2 * seq * width), dims: [2, seq, width] };
  }
  const inProcess = await stall(async () => {
    for (let i = 0; i < STEPS; i++) await unet.run(feeds);
  });
  await unet.release();
  // The same stretch of time with nothing running: the noise floor of this machine's scheduler.
  const idle = await stall(async () => {
    for (let i = 0; i < RUNS; i++) await new Promise((r) => setTimeout(r, median(walls.none)));
  });
  console.log(
    `  host event-loop stall, max (p99): ${f(hostStall.max)} (${f(hostStall.p99)}) ms during runs in the engine process; ` +
      `${f(inProcess.max)} (${f(inProcess.p99)}) ms running the same UNet in-process; ${f(idle.max)} (${f(idle.p99)}) ms idle`,
  );
  console.log(
    `  stall ratio engine process / in-process (max): ${(hostStall.max / inProcess.max).toFixed(2)}; ` +
      `host CPU time during runs: ${f(hostCpuMs / RUNS)} ms per ${f(hostWallMs / RUNS)} ms run`,
  );
}

async function main(): Promise<void> {
  const engine = new EngineClient({ ...engineEntry() });
  try {
    for (const [dir, size] of models) await benchModel(engine, dir, size);
  } finally {
    engine.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
