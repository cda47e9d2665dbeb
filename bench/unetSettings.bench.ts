// The default model's UNet (issue 16) under each onnxruntime session setting worth trying on a CPU: one guided
// call ([2,4,16,16]) per setting in turn, so the machine's load falls on all alike; wall and CPU time (all
// threads) per call, 10th percentile and median. The first row is how the engine opens it (onnxModel.ts: level
// 'all', two intra-op threads that sleep between ops, sequential execution, memory pattern on). Figures are
// printed, nothing is asserted.
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../src/runs/enginePaths';

const CALLS = 150;
const UNET = join(defaultModelDir(), 'unet', 'model.onnx');

const engine: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  enableMemPattern: true,
  extra: { session: { 'intra_op.allow_spinning': '0' } },
};
const SETTINGS: [string, ort.InferenceSession.SessionOptions][] = [
  ['engine', engine],
  ['level extended (no NCHWc layout)', { ...engine, graphOptimizationLevel: 'extended' }],
  ['1 intra-op thread', { ...engine, intraOpNumThreads: 1 }],
  ['threads spin between ops', { ...engine, extra: { session: { 'intra_op.allow_spinning': '1' } } }],
  ['memory pattern off', { ...engine, enableMemPattern: false }],
  ['parallel execution, 2 inter-op', { ...engine, executionMode: 'parallel', interOpNumThreads: 2 }],
];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)].toFixed(2);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function feeds(context: number): Record<string, ort.Tensor> {
  const wave = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(k * i));
  return {
    sample: new ort.Tensor('float32', wave(2 * 4 * 16 * 16, 1), [2, 4, 16, 16]),
    timestep: new ort.Tensor('float32', Float32Array.of(500, 500), [2]),
    encoder_hidden_states: new ort.Tensor('float32', wave(2 * context * 96, 0.3), [2, context, 96]),
  };
}

async function main(): Promise<void> {
  const sessions = await Promise.all(SETTINGS.map(([, o]) => ort.InferenceSession.create(UNET, o)));
  const context = Number(sessions[0].inputMetadata[2].isTensor && sessions[0].inputMetadata[2].shape[1]);
  const wall = SETTINGS.map((): number[] => []);
  const cpu = SETTINGS.map((): number[] => []);
  for (let i = 0; i < 10; i++) for (const s of sessions) await s.run(feeds(context));
  console.log(`${UNET}: one guided call per setting in turn, ${CALLS} each; load average ${load()}`);
  for (let i = 0; i < CALLS; i++) {
    for (let k = 0; k < sessions.length; k++) {
      const input = feeds(context);
      const [c0, t0] = [cpuMs(), performance.now()];
      await sessions[k].run(input);
      wall[k].push(performance.now() - t0);
      cpu[k].push(cpuMs() - c0);
    }
  }
  console.log(`  ${'setting'.padEnd(34)} wall p10 (p50) ms   cpu p10 (p50) ms`);
  SETTINGS.forEach(([name], k) => {
    const w = `${at(wall[k], 0.1)} (${at(wall[k], 0.5)})`;
    console.log(`  ${name.padEnd(34)} ${w.padEnd(18)} ${at(cpu[k], 0.1)} (${at(cpu[k], 0.5)})`);
  });
  console.log(`load average ${load()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
