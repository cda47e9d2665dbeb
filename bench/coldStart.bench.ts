// Cold start (issue 16): opening the default model's sessions in a fresh process, without the
// optimized-graph cache, on the first start (cache empty: graphs saved) and on later starts (graphs
// read back); then the CLI from process start to PNG written, with the caches warm, and where that time
// goes in the CLI and the engine process it forks (marks from bench/startTrace.cjs). Wall and CPU time,
// since on a shared machine wall time mostly measures the neighbours. Figures only, nothing asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir, packageRoot } from '../src/runs/enginePaths';
import { GRAPH_CACHE_ENV } from '../src/engine/graphCache';
import { SessionCache } from '../src/engine/sessionCache';

const STARTS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;

/** In the child: open the sessions once and print wall and CPU milliseconds. */
async function loadOnce(cacheDir: string | undefined): Promise<void> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await new SessionCache(cacheDir).get(defaultModelDir(), 'cpu');
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ wall: performance.now() - t0, cpu: (used.user + used.system) / 1000 }));
}

function childLoad(cacheDir: string): { wall: number; cpu: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--load-once', cacheDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`load child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function report(label: string, runs: { wall: number; cpu: number }[]): void {
  const [wall, cpu] = [median(runs.map((r) => r.wall)), median(runs.map((r) => r.cpu))];
  console.log(`  ${label.padEnd(44)} wall ${f(wall)}   cpu ${f(cpu)}   (median of ${runs.length})`);
}

function sessionLoads(): void {
  console.log(`session load of ${defaultModelDir()} in a fresh process (cpu provider):`);
  report(
    'no cache',
    Array.from({ length: STARTS }, () => childLoad('off')),
  );
  const first: { wall: number; cpu: number }[] = [];
  const later: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < STARTS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'dl-bench-ort-'));
    first.push(childLoad(dir));
    later.push(childLoad(dir));
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
  ['engine: run to the first step', 'engine sessions created', 'engine first step sent'],
  ['engine: other steps, decode, PNG', 'engine first step sent', 'engine result sent'],
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

/** Process start to PNG written: `diffusion-lab generate` on the default model, caches warm; then the same
 * traced in both processes (bench/startTrace.cjs, preloaded through NODE_OPTIONS, which the engine inherits). */
function cliImage(env: NodeJS.ProcessEnv, label: string): void {
  const cli = join(packageRoot(), 'bin', 'diffusion-lab.js');
  const dir = mkdtempSync(join(tmpdir(), 'dl-bench-cli-'));
  const trace = join(__dirname, 'startTrace.cjs');
  const [walls, bare, runs] = [[] as number[], [] as number[], [] as { cpu: number; marks: Map<string, Mark> }[]];
  const timed = (args: string[], runEnv: NodeJS.ProcessEnv) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { env: { ...runEnv, [GRAPH_CACHE_ENV]: join(dir, 'ort') } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
    return performance.now() - t0;
  };
  const generate = [cli, 'generate', '--prompt', 'a red circle', '--seed', '1', '--provider', 'cpu', '--out'];
  for (let i = -1; i < STARTS; i++) {
    // Untraced for the wall time, traced for CPU time and the breakdown, and the peer: a bare Node start.
    const wall = timed([...generate, join(dir, `${i}.png`)], env);
    const file = join(dir, `${i}.jsonl`);
    timed([...generate, join(dir, `${i}-traced.png`)], {
      ...env,
      DL_TRACE_FILE: file,
      NODE_OPTIONS: `--require ${trace}`,
    });
    bare.push(timed(['-e', '0'], env));
    if (i < 0) continue; // the first runs fill the caches
    walls.push(wall);
    const marks = readMarks(file);
    runs.push({ cpu: (marks.get('cli exit')?.cpu ?? NaN) + (marks.get('engine result sent')?.cpu ?? NaN), marks });
  }
  rmSync(dir, { recursive: true, force: true });
  const [wall, cpu, node] = [median(walls), median(runs.map((r) => r.cpu)), median(bare)];
  console.log(`\nCLI, process start to PNG written (default model, 20 steps, caches warm; ${label}):`);
  console.log(`  wall ${f(wall)} (best ${f(Math.min(...walls))}), median of ${STARTS}`);
  console.log(`  cpu  ${f(cpu)}, both processes (traced runs: the CLI to its exit, the engine to its result)`);
  console.log(`  \`node -e 0\` in the same run: ${f(node)} wall; the image takes ${(wall / node).toFixed(1)}× that`);
  console.log('  where the time goes (median of each phase; from the CLI process start, ms):');
  for (const [phase, from, to] of PHASES) {
    const spans = runs.map(({ marks }) => ({
      a: marks.get(from),
      b: marks.get(to),
      t0: marks.get('cli node:nodeStart'),
    }));
    const ok = spans.filter((s) => s.a && s.b && s.t0);
    if (ok.length === 0) continue;
    const at = median(ok.map((s) => s.a!.t - s.t0!.t));
    const ms = median(ok.map((s) => s.b!.t - s.a!.t));
    const sameProcess = from.split(' ')[0] === to.split(' ')[0];
    const cpuMs = sameProcess ? `cpu ${f(median(ok.map((s) => s.b!.cpu - s.a!.cpu)))}` : '';
    console.log(`    ${phase.padEnd(38)} at ${at.toFixed(0).padStart(4)}  wall ${f(ms)}   ${cpuMs}`);
  }
}

if (process.argv[2] === '--load-once') {
  const dir = process.argv[3];
  loadOnce(dir === 'off' ? undefined : dir).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${availableParallelism()} cores`,
  );
  sessionLoads();
  if (!existsSync(join(packageRoot(), 'dist', 'cli.js'))) {
    console.log('CLI image: skipped, dist/cli.js not built (node scripts/build.mjs)');
  } else {
    cliImage(process.env, 'this environment');
    // Node 20 parses NODE_EXTRA_CA_CERTS at every start; the engine is started without it, the CLI cannot be.
    const { NODE_EXTRA_CA_CERTS: extraCerts, ...withoutCerts } = process.env;
    if (extraCerts) cliImage(withoutCerts, 'NODE_EXTRA_CA_CERTS unset');
  }
}
