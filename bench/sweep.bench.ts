// A 4×4 sweep (sampler × seed, 20 steps) on the default model through `diffusion-lab sweep` against
// the same 16 cells as 16 separate `diffusion-lab generate` invocations, as a ratio (target ≥ 5×);
// also the sweep without seed batching, and the re-run with every cell cached. Uses the bundled CLI
// (npm run build first). One untimed generate comes first, so the timed sweep, run first, does not
// alone pay the cold start (model files into the OS cache, onnxruntime's optimised-graph cache).
// The two sides alternate over ROUNDS rounds, each round's ratio from its own pair: this machine's
// speed drifts by up to 2× over minutes, and a pair run back to back sees the same load.
// Figures are printed, nothing is asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultModelDir } from '../src/runs/enginePaths';

const CLI = resolve('bin', 'diffusion-lab.js');
const SAMPLERS = ['Euler', 'Euler a', 'DDIM', 'DPM++ 2M'];
const SEEDS = [1, 2, 3, 4];
const STEPS = 20;
const ROUNDS = 3;
const PROMPT = 'a large red circle in the center on a blue background';

function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`diffusion-lab ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function main(): void {
  if (!existsSync(join('dist', 'cli.js'))) {
    console.log('skipped: dist/cli.js not built (npm run build)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-bench-'));
  const file = join(dir, 'bench.sweep.json');
  const sweep = {
    version: 1,
    base: { modelDir: defaultModelDir(), prompt: PROMPT, seed: 1, steps: STEPS },
    x: { field: 'sampler', values: SAMPLERS },
    y: { field: 'seed', values: SEEDS },
  };
  writeFileSync(file, JSON.stringify(sweep));
  const common = ['--provider', 'cpu'];
  timed(['generate', '--prompt', PROMPT, '--seed', '1', '--steps', '1', '--out', join(dir, 'warm-up.png'), ...common]);
  const separately = (round: number) => {
    let total = 0;
    for (const seed of SEEDS) {
      for (const sampler of SAMPLERS) {
        const out = join(dir, `single-${round}-${seed}-${sampler.replace(/\W/g, '')}.png`);
        const cell = ['--seed', String(seed), '--steps', String(STEPS), '--sampler', sampler];
        total += timed(['generate', '--prompt', PROMPT, ...cell, '--out', out, ...common]);
      }
    }
    return total;
  };
  const cells = SAMPLERS.length * SEEDS.length;
  const perCell = (s: number) => `${s.toFixed(2)} s (${(s / cells).toFixed(3)} s/cell)`;
  console.log(
    `default model, ${cells} cells (${SAMPLERS.length} samplers × ${SEEDS.length} seeds), ` +
      `${STEPS} steps, cpu provider; ${ROUNDS} rounds, each a sweep then 16 separate CLI invocations`,
  );
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const swept = timed(['sweep', file, '--out', join(dir, `out-${round}`), ...common]);
    const separate = separately(round);
    ratios.push(separate / swept);
    console.log(
      `round ${round + 1}: sweep ${perCell(swept)}, grid and index included; ` +
        `separate ${perCell(separate)}; ratio ${(separate / swept).toFixed(2)}x`,
    );
  }
  const cached = timed(['sweep', file, '--out', join(dir, 'out-0'), ...common]);
  const unbatched = timed(['sweep', file, '--out', join(dir, 'unbatched'), '--batch', '1', ...common]);
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    `ratio separate/sweep: median ${sorted[Math.floor(ROUNDS / 2)].toFixed(2)}x ` +
      `(range ${sorted[0].toFixed(2)}–${sorted[ROUNDS - 1].toFixed(2)}x; target ≥ 5x)`,
  );
  console.log(`sweep, --batch 1             ${perCell(unbatched)}: each cell its own engine call`);
  console.log(`re-run, all cells cached    ${cached.toFixed(2)} s (no engine started)`);
}

main();
