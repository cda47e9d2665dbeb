// Cold start (issue 16): opening the default model's sessions in a fresh process, without the
// optimized-graph cache, on the first start (cache empty: graphs saved) and on later starts (graphs
// read back); then the CLI from process start to PNG written, with the cache warm. Wall and CPU time,
// since on a shared machine wall time mostly measures the neighbours. Figures only, nothing asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Process start to PNG written: `diffusion-lab generate` on the default model, cache warm. */
function cliImage(): void {
  const cli = join(packageRoot(), 'bin', 'diffusion-lab.js');
  if (!existsSync(join(packageRoot(), 'dist', 'cli.js'))) {
    console.log('CLI image: skipped, dist/cli.js not built (node scripts/build.mjs)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dl-bench-cli-'));
  const env = { ...process.env, [GRAPH_CACHE_ENV]: join(dir, 'ort') };
  const runs: { wall: number; cpu: number }[] = [];
  for (let i = -1; i < STARTS; i++) {
    const out = join(dir, `${i}.png`);
    const t0 = performance.now();
    const args = ['generate', '--prompt', 'a red circle', '--seed', '1', '--provider', 'cpu', '--out', out];
    const r = spawnSync(process.execPath, [cli, ...args], { env });
    const wall = performance.now() - t0;
    if (r.status !== 0 || !existsSync(out)) throw new Error(`CLI failed: ${r.stderr.toString()}`);
    if (i >= 0) runs.push({ wall, cpu: NaN }); // the first run fills the cache
  }
  rmSync(dir, { recursive: true, force: true });
  const wall = f(median(runs.map((r) => r.wall)));
  console.log(
    `CLI, process start to PNG written (default model, 20 steps, cache warm): ${wall} wall (median of ${STARTS})`,
  );
}

if (process.argv[2] === '--load-once') {
  const dir = process.argv[3];
  loadOnce(dir === 'off' ? undefined : dir).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  sessionLoads();
  cliImage();
}
