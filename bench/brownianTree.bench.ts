// Milliseconds per step of the Brownian tree that the SDE samplers (DPM++ SDE, 2M SDE, 3M SDE) draw their
// noise from, at Stable Diffusion 512²'s [1,4,64,64] over a 20-step Karras schedule: each step splits the
// tree down to a new time, one seeded randn per level. Peer in the same run: those draws alone (as many
// fresh-generator randn calls as the tree made), so the ratio is what the tree adds to its own noise.
// Nothing is asserted.
import { BrownianTree } from '../src/core/noise/brownianTree';
import { TorchGenerator } from '../src/core/rng/torchGenerator';

const SIZE = 4 * 64 * 64;
const STEPS = 20;
const RUNS = 7;
const [SIGMA_MIN, SIGMA_MAX, RHO] = [0.0292, 14.6146, 7];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Karras et al.'s σ for `STEPS` steps, without the final 0. */
const sigmas = Array.from(
  { length: STEPS },
  (_, i) => (SIGMA_MAX ** (1 / RHO) + (i / (STEPS - 1)) * (SIGMA_MIN ** (1 / RHO) - SIGMA_MAX ** (1 / RHO))) ** RHO,
);

/** Counts the randn calls made through TorchGenerator while `work` runs. */
function countingDraws(work: () => void): number {
  const randn: TorchGenerator['randn'] = Reflect.get(TorchGenerator.prototype, 'randn');
  let calls = 0;
  TorchGenerator.prototype.randn = function (this: TorchGenerator, ...args: Parameters<typeof randn>) {
    calls++;
    return randn.apply(this, args);
  };
  try {
    work();
  } finally {
    TorchGenerator.prototype.randn = randn;
  }
  return calls;
}

function treeMs(entropy: number): number {
  const tree = new BrownianTree(SIGMA_MIN, SIGMA_MAX, SIZE, BigInt(entropy));
  const t0 = performance.now();
  for (let i = 0; i < STEPS - 1; i++) tree.increment(sigmas[i + 1], sigmas[i]);
  return (performance.now() - t0) / (STEPS - 1);
}

function drawsMs(count: number): number {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) sink += new TorchGenerator(i).randn([SIZE])[0];
  if (Number.isNaN(sink)) throw new Error('NaN noise');
  return (performance.now() - t0) / (STEPS - 1);
}

function main(): void {
  const draws = countingDraws(() => treeMs(0));
  drawsMs(draws); // warm up
  const tree: number[] = [];
  const alone: number[] = [];
  for (let r = 1; r <= RUNS; r++) {
    tree.push(treeMs(r));
    alone.push(drawsMs(draws));
  }
  const [t, d] = [median(tree), median(alone)];
  console.log(`Brownian tree at [1,4,64,64], ${STEPS} Karras steps, median of ${RUNS} interleaved runs:`);
  console.log(
    `  tree, per step                     ${t.toFixed(2)} ms (${(draws / (STEPS - 1)).toFixed(1)} draws a step)`,
  );
  console.log(`  its draws alone (peer), per step   ${d.toFixed(2)} ms`);
  console.log(`  ratio tree / draws                 ${(t / d).toFixed(2)}x`);
}

main();
