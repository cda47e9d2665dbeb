// Generation workbench: what the per-step viewer costs. (1) Wall time of a 20-step run on the tiny
// test model with x_t/x̂0 capture, latent previews and the host-side step frames, against the same
// run with none of them, in this process, as a ratio. (2) Microseconds to turn one step event of
// Stable Diffusion's size ([2,4,64,64] with guidance batch) into a viewer frame, against a plain copy
// of the same floats. Figures are printed, nothing is asserted.
import { runSpec } from '../src/protocol/run';
import { join } from 'node:path';
import { EngineClient } from '../src/runs/engineClient';
import { engineEntry, packageRoot } from '../src/runs/enginePaths';
import { toStepFrame } from '../src/extension/workbench/stepFrame';
import type { GenerateRequest, StepEvent } from '../src/protocol/engine';

const RUNS = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function runs() {
  const engine = new EngineClient({ ...engineEntry() });
  const modelDir = join(packageRoot(), 'test/fixtures/models/tiny-sd');
  const base: GenerateRequest = {
    spec: runSpec({ modelDir, prompt: 'a red circle', seed: 1, steps: 20, guidanceScale: 7.5 }),
    options: { provider: 'cpu' },
  };
  const viewer: GenerateRequest = {
    ...base,
    options: { ...base.options, captureLatents: true, preview: { every: 1, kind: 'latent' } },
  };
  await engine.generate(base); // load and warm the sessions
  const plain: number[] = [];
  const withViewer: number[] = [];
  const timed = async (request: GenerateRequest, out: number[], onStep?: (e: StepEvent) => void) => {
    const t = performance.now();
    await engine.generate(request, { onStep });
    out.push(performance.now() - t);
  };
  // Alternate which goes first, so drift in machine load falls on both alike.
  for (let i = 0; i < RUNS; i++) {
    const pair = [() => timed(base, plain), () => timed(viewer, withViewer, (e) => void toStepFrame(e))];
    for (const run of i % 2 ? pair.reverse() : pair) await run();
  }
  engine.dispose();
  const [p, v] = [median(plain), median(withViewer)];
  console.log(
    `20-step run, tiny-sd, cpu: plain ${p.toFixed(1)} ms, with step viewer ${v.toFixed(1)} ms, ratio ${(v / p).toFixed(2)} (median of ${RUNS})`,
  );
}

function frames() {
  const n = 2 * 4 * 64 * 64;
  const event: StepEvent = {
    step: 0,
    totalSteps: 20,
    t: 999,
    sigma: 14.6,
    latentShape: [2, 4, 64, 64],
    xt: new Float32Array(n).map(Math.random),
    x0: new Float32Array(n).map(Math.random),
    preview: { width: 64, height: 64, rgba: new Uint8Array(64 * 64 * 4) },
  };
  const time = (f: () => unknown, reps = 300) => {
    for (let i = 0; i < 20; i++) f();
    const t = performance.now();
    for (let i = 0; i < reps; i++) f();
    return ((performance.now() - t) / reps) * 1000;
  };
  const frame = time(() => toStepFrame(event));
  const copy = time(() => [event.xt!.slice(), event.x0!.slice()]);
  console.log(
    `step frame from a [2,4,64,64] step: ${frame.toFixed(1)} µs; copying x_t and x̂0: ${copy.toFixed(1)} µs; ratio ${(frame / copy).toFixed(2)}`,
  );
}

frames();
void runs();
