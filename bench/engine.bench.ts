// Engine figures (issue 4): ms for text encoding, each UNet step and the VAE decode; sampler overhead
// per step (time outside session.run) as % of the step; the host's longest event-loop stall during a
// run against the stall of the same UNet run in-process; wall time with previews every step against
// previews off. Warm engine, CPU provider unless BENCH_PROVIDER says otherwise. Nothing is asserted.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../src/engine/engineClient';
import { defaultModelDir, engineEntry } from '../src/engine/enginePaths';
import { OnnxModel } from '../src/engine/onnxModel';
import type { GenerateRequest, GenerateResult, PreviewKind, ProviderName } from '../src/protocol/engine';

const STEPS = 20;
const RUNS = 5;
const provider = (process.env.BENCH_PROVIDER ?? 'cpu') as ProviderName;
const models = [join(__dirname, '..', 'test', 'fixtures', 'models', 'tiny-sd'), defaultModelDir()].filter((d) => existsSync(join(d, 'unet', 'model.onnx')));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number) => x.toFixed(x < 10 ? 2 : 1);

async function timed(engine: EngineClient, req: GenerateRequest): Promise<{ wall: number; result: GenerateResult }> {
  const t0 = performance.now();
  const result = await engine.generate(req);
  return { wall: performance.now() - t0, result };
}

/** The longest event-loop stall (ms) while `work` runs on this thread. */
async function maxStall(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await work();
  h.disable();
  return h.max / 1e6;
}

async function benchModel(engine: EngineClient, modelDir: string): Promise<void> {
  const req = (preview: PreviewKind = 'none'): GenerateRequest => ({
    modelDir, prompt: 'a small red circle at the top left on a blue background', seed: 1, steps: STEPS, guidanceScale: 7.5, provider,
    preview: { every: preview === 'none' ? 0 : 1, kind: preview },
  });
  await engine.generate(req()); // load and warm up
  const runs: GenerateResult[] = [];
  const walls: Record<string, number[]> = { none: [], latent: [], taesd: [], vae: [] };
  const hasTaesd = existsSync(join(modelDir, 'taesd_decoder'));
  let hostStall = 0;
  for (let i = 0; i < RUNS; i++) {
    for (const kind of ['none', 'latent', 'vae', ...(hasTaesd ? ['taesd'] : [])] as PreviewKind[]) {
      let r: { wall: number; result: GenerateResult } | undefined;
      const stall = await maxStall(async () => (r = await timed(engine, req(kind))));
      if (kind === 'none') {
        hostStall = Math.max(hostStall, stall);
        runs.push(r!.result);
      }
      walls[kind].push(r!.wall);
    }
  }
  const t = runs.map((r) => r.info.timings);
  const step = median(t.map((x) => mean(x.unetStepMs)));
  const run = median(t.map((x) => mean(x.unetRunMs)));
  const info = runs[0].info;
  console.log(`\n${info.model.name} (${info.width}x${info.height}, ${STEPS} steps, guidance on, provider ${info.provider}; median of ${RUNS} warm runs)`);
  console.log(`  text encoder      ${f(median(t.map((x) => x.textEncoderMs)))} ms`);
  console.log(`  unet step         ${f(step)} ms  (session.run ${f(run)} ms)`);
  console.log(`  sampler overhead  ${f(((step - run) / step) * 100)} % of a step (${f((step - run) * 1000)} µs: guidance, scheduler step, copies, event, yield)`);
  console.log(`  vae decode        ${f(median(t.map((x) => x.vaeMs)))} ms`);
  console.log(`  run wall time     ${f(median(walls.none))} ms`);
  for (const kind of ['latent', 'vae', 'taesd'].filter((k) => walls[k].length)) {
    console.log(`  previews every step (${kind.padEnd(6)}) / off: ${(median(walls[kind]) / median(walls.none)).toFixed(3)}`);
  }

  // The same UNet run on the host thread, as an extension that ran onnxruntime in-process would.
  const unet = await OnnxModel.create(join(modelDir, 'unet', 'model.onnx'), 'unet/model.onnx', 'cpu');
  const [, c] = unet.input('sample').shape as number[];
  const side = info.height / (info.model.kind === 'text2img' ? 8 : 1);
  const feeds: Parameters<typeof unet.run>[0] = {
    sample: { data: new Float32Array(2 * c * side * side), dims: [2, c, side, side] },
    timestep: { data: [500], dims: unet.input('timestep').shape.length ? [unet.input('timestep').shape[0] === 1 ? 1 : 2] : [] },
  };
  const ehs = unet.inputs.find((i) => i.name === 'encoder_hidden_states');
  if (ehs) feeds.encoder_hidden_states = { data: new Float32Array(2 * 77 * (ehs.shape[2] as number)), dims: [2, 77, ehs.shape[2] as number] };
  const inProcess = await maxStall(async () => {
    for (let i = 0; i < STEPS; i++) await unet.run(feeds);
  });
  await unet.release();
  console.log(`  host event-loop max stall during a run: ${f(hostStall)} ms (engine process) vs ${f(inProcess)} ms (same UNet in-process); ratio ${(hostStall / inProcess).toFixed(2)}`);
}

async function main(): Promise<void> {
  const engine = new EngineClient({ ...engineEntry() });
  try {
    for (const dir of models) await benchModel(engine, dir);
  } finally {
    engine.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
