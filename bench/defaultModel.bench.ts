// Default model (issue 5): seconds per image at 20 steps with guidance, through the engine warm
// (sessions cached) and cold (a fresh engine process: start, session creation, first image), and
// the same networks run by the PyTorch reference sampler (training/benchReference.py) in this run,
// as a ratio. Figures are printed, nothing is asserted.
import { runSpec } from '../src/protocol/run';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EngineClient } from '../src/runs/engineClient';
import { defaultModelDir, engineEntry } from '../src/runs/enginePaths';
import type { GenerateRequest } from '../src/protocol/engine';

const STEPS = 20;
const GUIDANCE = 7.5;
const WARM_RUNS = 9;
const COLD_RUNS = 3;
const PROMPT = 'a large red circle in the center on a blue background';
const PYTHON = '/usr/bin/python3';
const CHECKPOINT = 'training/tiny-shapes.pt';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const request = (seed: number): GenerateRequest => ({
  spec: runSpec({ modelDir: defaultModelDir(), prompt: PROMPT, seed, steps: STEPS, guidanceScale: GUIDANCE }),
  options: { provider: 'cpu' },
});

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return (performance.now() - t0) / 1000;
}

async function cold(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const engine = new EngineClient({ ...engineEntry() });
    out.push(await seconds(() => engine.generate(request(i))));
    engine.dispose();
  }
  return out;
}

async function warm(): Promise<number[]> {
  const engine = new EngineClient({ ...engineEntry() });
  await engine.generate(request(0));
  const out: number[] = [];
  for (let i = 1; i <= WARM_RUNS; i++) out.push(await seconds(() => engine.generate(request(i))));
  engine.dispose();
  return out;
}

function pytorch(): number | string {
  if (!existsSync(CHECKPOINT)) return `skipped: ${CHECKPOINT} not found`;
  const r = spawnSync(
    PYTHON,
    [
      'training/benchReference.py',
      '--checkpoint',
      CHECKPOINT,
      '--steps',
      String(STEPS),
      '--guidance',
      String(GUIDANCE),
      '--prompt',
      PROMPT,
      '--runs',
      String(WARM_RUNS),
    ],
    { encoding: 'utf8', env: { ...process.env, PYTHONPATH: 'training' } },
  );
  if (r.status !== 0)
    return `skipped: ${PYTHON} failed (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!).seconds_per_image;
}

async function main(): Promise<void> {
  console.log(`default model ${defaultModelDir()}, ${STEPS} steps, guidance ${GUIDANCE}, 64x64, cpu provider`);
  const w = median(await warm());
  const c = median(await cold());
  const p = pytorch();
  console.log(`engine warm         ${w.toFixed(3)} s/image (median of ${WARM_RUNS})`);
  console.log(
    `engine cold         ${c.toFixed(3)} s/image (median of ${COLD_RUNS}: process start, sessions, first image)`,
  );
  if (typeof p === 'number') {
    console.log(`pytorch reference   ${p.toFixed(3)} s/image (median of ${WARM_RUNS}, warm, 2 threads)`);
    console.log(`ratio pytorch/engine warm: ${(p / w).toFixed(2)}x`);
  } else {
    console.log(`pytorch reference   ${p}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
