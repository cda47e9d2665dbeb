// Shared by the k-diffusion tests: the reference files, the stand-in model and noise the generator used
// (test/fixtures/reference/kdiffusion/gen_kdiffusion_fixtures.py), and a tolerance check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Denoiser, NoiseSampler } from '../../../../src/core/kdiffusion/denoiser';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';

const DIR = join(__dirname, '../../../fixtures/reference/kdiffusion');
export const SHAPE = [1, 4, 8, 8];

export function loadFixture(tool: 'comfyui' | 'a1111'): any {
  return JSON.parse(readFileSync(join(DIR, `${tool}.json`), 'utf8'));
}

/** D(x, σ)_j = 0.9·tanh(x_j/√(1+σ²)) + 0.2·sin(0.37·j + 0.5·ln σ), j over the whole latent (`size` values);
 * records the σ and (a copy of) the output of each call. */
export function standIn(
  calls: number[] = [],
  outputs: Float32Array[] = [],
  size = SHAPE.reduce((a, b) => a * b),
): Denoiser {
  const out = new Float32Array(size);
  return (x, sigma) => {
    calls.push(sigma);
    const c = 1 / Math.sqrt(1 + sigma * sigma);
    const phase = 0.5 * Math.log(sigma);
    for (let j = 0; j < x.length; j++) out[j] = 0.9 * Math.tanh(x[j] * c) + 0.2 * Math.sin(0.37 * j + phase);
    outputs.push(out.slice());
    return out;
  };
}

/** The k-th draw is torch.randn(SHAPE) from a generator seeded 1000 + k, whatever σ it is for. */
export function countingNoise(): { sampler: NoiseSampler; draws: () => number } {
  let k = 0;
  return {
    sampler: (_s, _n, out) => new TorchGenerator(1000 + k++).randn(SHAPE, out),
    draws: () => k,
  };
}

export function initialNoise(): Float32Array {
  return new TorchGenerator(0).randn(SHAPE);
}

/** |a − e| ≤ tol·max(1, |e|) elementwise. */
export function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(
      err <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (|Δ| = ${err.toExponential(2)})`,
    );
  }
}
