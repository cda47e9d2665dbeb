// Cold start (issue 16): opening the default model's sessions in a fresh engine process of the build (as the
// CLI and the extension start it), without the optimized-graph cache, on the first start (cache empty: graphs
// saved) and on later starts (graphs read back); then the CLI from process start to PNG written, with the
// caches warm, and where that time goes in the CLI and the engine process it forks (marks from
// bench/startTrace.cjs). Wall and CPU time, since on a shared machine wall time mostly measures the
// neighbours. Figures only, nothing asserted. Needs the build (node scripts/build.mjs).
// DL_BENCH_PEER=<another checkout, built> runs that checkout's CLI in alternation with this one's (before and
// after figures from one run); DL_BENCH_STARTS sets the number of fresh processes per figure (default 7).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultModelDir, packageRoot } from '../src/runs/enginePaths';
import { GRAPH_CACHE_ENV } from '../src/modelFolder/cacheFolder';
import { EngineClient } from '../src/runs/engineClient';
import { runSpec } from '../src/protocol/run';

const STARTS = Number(process.env.DL_BENCH_STARTS ?? 7);
const TRACE = join(__dirname, 'startTrace.cjs');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;

/** A fresh engine process of the build makes a 1-step image; its own figure for opening the sessions
 * (RunTimings.loadMs, the "load" that `diffusion-lab generate --verbose` reports). The engine from source
 * would time tsx compiling the UNet peer's worker on the other core too. */
async function engineLoad(cacheDir: string): Promise<number> {
  const engine = new EngineClient({
    enginePath: join(packageRoot(), 'dist', 'engine.js'),
    env: { [GRAPH_CACHE_ENV]: cacheDir },
  });
  try {
    const spec = runSpec({ modelDir: defaultModelDir(), prompt: 'a red circle', seed: 1, steps: 1 });
    return (await engine.generate({ spec, options: { provider: 'cpu' } })).info.timings.loadMs;
  } finally {
    engine.dispose();
  }
}

function report(label: string, runs: number[]): void {
  console.log(`  ${label.padEnd(44)} ${f(median(runs))}   (median of ${runs.length}, best ${f(Math.min(...runs))})`);
}

async function sessionLoads(): Promise<void> {
  console.log(`session load of ${defaultModelDir()} in a fresh engine process (cpu provider):`);
  const none: number[] = [];
  for (let i = 0; i < STARTS; i++) none.push(await engineLoad('off'));
  report('no cache', none);
  const first: number[] = [];
  const later: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'dl-bench-ort-'));
    first.push(await engineLoad(dir));
    later.push(await engineLoad(dir));
    rmSync(dir, { recursive: true, force: true });
  }
  report('first start (cache empty: graphs saved)', first);
  report('second start (graphs read from the cache)', later);
}

/** One trace mark of bench/startTrace.cjs: a process's role, the mark, epoch ms and the process's CPU ms. */
interface Mark {
  role: 'cli' | 'engine';
  name: string;
  t: number;
  cpu: number;
}

/** Start-up phases: [label, role and mark it starts at, role and mark it ends at]. */
const PHASES: [string, string, string][] = [
  ['CLI: Node start', 'cli node:nodeStart', 'cli preload'],
  ['CLI: its bundle, to the engine fork', 'cli load cli.js start', 'cli fork'],
  ['CLI: the rest of its code, flags', 'cli fork', 'cli generate sent'],
  ['engine: Node start', 'cli fork', 'engine preload'],
  ['engine: its bundle, onnxruntime', 'engine load engine.js start', 'engine ready sent'],
  ['  of which onnxruntime-node', 'engine load onnxruntime-node start', 'engine load onnxruntime-node end'],
  ['engine: request to first session', 'engine generate received', 'engine session 1 create start'],
  ['engine: sessions (cached graphs)', 'engine session 1 create start', 'engine sessions created'],
  // The CLI asks for no step events when stderr is not a terminal: the run is one phase here.
  ['engine: steps, decode, PNG', 'engine sessions created', 'engine result sent'],
  ['CLI: result to PNG written', 'engine result sent', 'cli png in place'],
  ['CLI: to exit', 'cli png in place', 'cli exit'],
];

/** The marks of one traced run, named "<role> <mark>" (the last session's end as "sessions created"). */
function readMarks(file: string): Map<string, Mark> {
  const marks = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Mark);
  const named = new Map<string, Mark>();
  for (const m of marks) {
    const name = /^session \d+ create end$/.test(m.name)
      ? 'sessions created'
      : /^png (renamed|linked) into place$/.test(m.name)
        ? 'png in place'
        : m.name;
    const key = `${m.role} ${name}`;
    // First load of onnxruntime-node (later requires hit the module cache); last session end.
    if (!named.has(key) || name === 'sessions created') named.set(key, m);
  }
  return named;
}

/** Wall times, and per traced run the CPU time of both processes with the marks. */
interface CliRuns {
  walls: number[];
  traced: { cpu: number; marks: Map<string, Mark> }[];
}

/** Process start to PNG written: `diffusion-lab generate` on the default model, caches warm, untraced for the
 * wall time and traced in both processes for CPU time and the phases (bench/startTrace.cjs, preloaded through
 * NODE_OPTIONS, which the engine inherits). `roots`: package folders whose CLIs run in alternation. */
function cliImages(roots: string[], env: NodeJS.ProcessEnv): CliRuns[] {
  const dir = mkdtempSync(join(tmpdir(), 'dl-bench-cli-'));
  const traceEnv = (file: string) => ({ ...env, DL_TRACE_FILE: file, NODE_OPTIONS: `--require ${TRACE}` });
  const timed = (args: string[], runEnv: NodeJS.ProcessEnv) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { env: { ...runEnv, [GRAPH_CACHE_ENV]: join(dir, 'ort') } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
    return performance.now() - t0;
  };
  const results = roots.map((): CliRuns => ({ walls: [], traced: [] }));
  for (let i = -1; i < STARTS; i++) {
    for (const [k, root] of roots.entries()) {
      const generate = [join(root, 'bin', 'diffusion-lab.js'), 'generate', '--prompt', 'a red circle', '--seed', '1'];
      const out = (name: string) => ['--provider', 'cpu', '--out', join(dir, `${k}-${i}-${name}.png`)];
      const wall = timed([...generate, ...out('plain')], env);
      const file = join(dir, `${k}-${i}.jsonl`);
      timed([...generate, ...out('traced')], traceEnv(file));
      if (i < 0) continue; // the first runs fill the caches
      const marks = readMarks(file);
      results[k].walls.push(wall);
      results[k].traced.push({ cpu: marks.get('cli exit')!.cpu + marks.get('engine result sent')!.cpu, marks });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return results;
}

function reportCli(label: string, { walls, traced }: CliRuns): void {
  console.log(
    `  ${label}: wall ${f(median(walls))} (best ${f(Math.min(...walls))})   cpu ${f(median(traced.map((r) => r.cpu)))}`,
  );
}

/** Where the time goes: each phase's start (from the CLI's process start) and length, medians. */
function reportPhases({ traced }: CliRuns): void {
  console.log('  where the time goes (medians; "at": ms from the CLI process start; cpu: that process):');
  for (const [phase, from, to] of PHASES) {
    const spans = traced
      .map(({ marks }) => ({ a: marks.get(from), b: marks.get(to), t0: marks.get('cli node:nodeStart')! }))
      .filter((s) => s.a && s.b);
    if (spans.length === 0) continue;
    const at = median(spans.map((s) => s.a!.t - s.t0.t));
    const ms = median(spans.map((s) => s.b!.t - s.a!.t));
    const sameProcess = from.split(' ')[0] === to.split(' ')[0];
    const cpu = sameProcess ? `cpu ${f(median(spans.map((s) => s.b!.cpu - s.a!.cpu)))}` : '';
    console.log(`    ${phase.padEnd(38)} at ${at.toFixed(0).padStart(4)}  wall ${f(ms)}   ${cpu}`);
  }
}

function cliImage(env: NodeJS.ProcessEnv, label: string): void {
  const peer = process.env.DL_BENCH_PEER;
  const roots = [packageRoot(), ...(peer ? [resolve(peer)] : [])];
  const [own, other] = cliImages(roots, env);
  const bare = median(Array.from({ length: STARTS }, () => timedNode(env)));
  console.log(`\nCLI, process start to PNG written (default model, 20 steps, caches warm; ${label}):`);
  console.log(
    `  (median of ${STARTS}; cpu: both processes, traced runs, the CLI to its exit, the engine to its result)`,
  );
  reportCli('this checkout', own);
  if (other) reportCli(`${peer} (run in alternation)`, other);
  console.log(
    `  \`node -e 0\`: ${f(bare)} wall; this checkout's image takes ${(median(own.walls) / bare).toFixed(1)}× that`,
  );
  reportPhases(own);
}

/** A bare Node start in the same environment: the peer every CLI figure carries. */
function timedNode(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0'], { env });
  return performance.now() - t0;
}

async function main(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${availableParallelism()} cores`,
  );
  if (!existsSync(join(packageRoot(), 'dist', 'cli.js'))) {
    console.log('skipped: dist/ not built (node scripts/build.mjs)');
    return;
  }
  await sessionLoads();
  cliImage(process.env, 'this environment');
  // Node 20 parses NODE_EXTRA_CA_CERTS at every start; the engine is started without it, the CLI cannot be.
  const { NODE_EXTRA_CA_CERTS: extraCerts, ...withoutCerts } = process.env;
  if (extraCerts) cliImage(withoutCerts, 'NODE_EXTRA_CA_CERTS unset');
}

void main();
