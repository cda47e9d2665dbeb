// Milliseconds to draw one [2, 4, 64, 64] latent of seeded noise (Stable Diffusion 512² with
// guidance) with the PyTorch-compatible generator, against a plain Math.random Box-Muller peer.
import { TorchGenerator } from '../src/core/rng/torchGenerator';

const SHAPE = [2, 4, 64, 64];
const N = 2 * 4 * 64 * 64;
const BATCHES = 15;
const PER_BATCH = 10;

function naiveRandn(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const theta = 2 * Math.PI * Math.random();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

let sink = 0;
function batchMs(draw: () => Float32Array): number {
  const t0 = performance.now();
  for (let i = 0; i < PER_BATCH; i++) sink += draw()[i];
  return (performance.now() - t0) / PER_BATCH;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const g = new TorchGenerator(1234);
const torchDraw = () => g.randn(SHAPE);
const naiveDraw = () => naiveRandn(N);
batchMs(torchDraw); // warm up the JIT
batchMs(naiveDraw);
// Interleaved batches, so load from other processes on this shared machine hits both alike.
const torchMs: number[] = [];
const naiveMs: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  torchMs.push(batchMs(torchDraw));
  naiveMs.push(batchMs(naiveDraw));
}
if (Number.isNaN(sink)) throw new Error('NaN noise');
const t = median(torchMs);
const p = median(naiveMs);
console.log(`randn [${SHAPE.join(',')}] (${N} values), median of ${BATCHES} interleaved batches of ${PER_BATCH}:`);
console.log(`  TorchGenerator (seed-compatible)   ${t.toFixed(3)} ms`);
console.log(`  Math.random Box-Muller (peer)      ${p.toFixed(3)} ms`);
console.log(`  ratio TorchGenerator / peer        ${(t / p).toFixed(2)}x`);
