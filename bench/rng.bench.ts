// Milliseconds to draw one [2, 4, 64, 64] latent of seeded noise (Stable Diffusion 512² with
// guidance) with the PyTorch-compatible generator, against a plain Math.random Box-Muller peer.
import { TorchGenerator } from '../src/core/rng/torchGenerator';

const SHAPE = [2, 4, 64, 64];
const N = 2 * 4 * 64 * 64;
const ROUNDS = 50;

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

function msPerDraw(draw: () => Float32Array): number {
  let sink = 0;
  for (let i = 0; i < 5; i++) sink += draw()[0]; // warm up the JIT
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) sink += draw()[i];
  const ms = (performance.now() - t0) / ROUNDS;
  if (Number.isNaN(sink)) throw new Error('NaN noise');
  return ms;
}

const g = new TorchGenerator(1234);
const torchMs = msPerDraw(() => g.randn(SHAPE));
const naiveMs = msPerDraw(() => naiveRandn(N));
console.log(`randn [${SHAPE.join(',')}] (${N} values), mean of ${ROUNDS}:`);
console.log(`  TorchGenerator (seed-compatible)   ${torchMs.toFixed(3)} ms`);
console.log(`  Math.random Box-Muller (peer)      ${naiveMs.toFixed(3)} ms`);
console.log(`  ratio TorchGenerator / peer        ${(torchMs / naiveMs).toFixed(2)}x`);
