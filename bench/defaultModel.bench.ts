// Default model (issue 5): seconds per image at 20 steps with guidance, through the engine warm
// (sessions cached) and cold (a fresh engine process: start, session creation, first image), and
// the same networks run by the PyTorch reference sampler (training/benchReference.py) in this run,
// as a ratio. Warm runs also give CPU time per image (the engine process's and this one's; PyTorch's
// process), which the neighbours on a shared machine change less than wall time. Figures are printed,
// nothing is asserted.
import { runSpec } from '../src/protocol/run';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** CPU seconds (user + system, all threads) a process has used so far: this one's, or another's from /proc. */
function cpuSeconds(pid?: number): number {
  if (pid === undefined) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux); the name field may hold
  // spaces, so count from its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Wall seconds per warm image and CPU seconds per image over them (engine process plus this one). */
async function warm(): Promise<{ wall: number[]; cpu: number }> {
  const engine = new EngineClient({ ...engineEntry() });
  await engine.generate(request(0));
  const cpu = () => cpuSeconds(engine.pid) + cpuSeconds();
  const wall: number[] = [];
  const c0 = cpu();
  for (let i = 1; i <= WARM_RUNS; i++) wall.push(await seconds(() => engine.generate(request(i))));
  const perImage = (cpu() - c0) / WARM_RUNS;
  engine.dispose();
  return { wall, cpu: perImage };
}

function pytorch(): { wall: number; cpu: number; threads: number } | string {
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
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { wall: out.seconds_per_image, cpu: out.cpu_seconds_per_image, threads: out.threads };
}

async function main(): Promise<void> {
  console.log(`default model ${defaultModelDir()}, ${STEPS} steps, guidance ${GUIDANCE}, 64x64, cpu provider`);
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`load average ${load()}`);
  const warmRuns = await warm();
  const w = median(warmRuns.wall);
  const c = median(await cold());
  const p = pytorch();
  console.log(
    `engine warm         ${w.toFixed(3)} s/image (median of ${WARM_RUNS}), cpu ${warmRuns.cpu.toFixed(3)} s/image`,
  );
  console.log(
    `engine cold         ${c.toFixed(3)} s/image (median of ${COLD_RUNS}: process start, sessions, first image)`,
  );
  if (typeof p === 'string') {
    console.log(`pytorch reference   ${p}`);
  } else {
    const how = `median of ${WARM_RUNS}, warm, ${p.threads} threads`;
    console.log(`pytorch reference   ${p.wall.toFixed(3)} s/image (${how}), cpu ${p.cpu.toFixed(3)} s/image`);
    console.log(
      `ratio pytorch/engine warm: wall ${(p.wall / w).toFixed(2)}x, cpu ${(p.cpu / warmRuns.cpu).toFixed(2)}x`,
    );
  }
  console.log(`load average ${load()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
