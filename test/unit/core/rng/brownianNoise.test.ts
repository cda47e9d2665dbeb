// torchsde's Brownian tree as k-diffusion (A1111) and ComfyUI query it, against their own draws:
// every query the real dpmpp_2m_sde and dpmpp_sde samplers made over a 10-step Karras schedule
// (fixtures/reference/noise/brownian.json, made by gen_noise_fixtures.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brownianTreeNoiseSampler } from '../../../../src/core/noise/brownianNoiseSampler';
import type { NoiseConvention } from '../../../../src/core/noise/conventions';

interface Query { sigma: number; sigma_next: number; values: number[] }
interface Case { convention: NoiseConvention; sampler: string; seed: number; batch: number; queries: Query[] }
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/reference/noise/brownian.json'), 'utf8'));
const TOL = 1e-6;

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  assert.equal(a.length, b.length, 'length');
  let max = 0;
  for (let i = 0; i < b.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const positive = (fixture.sigmas as number[]).filter((s) => s > 0);
for (const c of fixture.cases as Case[]) {
  test(`Brownian-tree noise: ${c.convention} ${c.sampler} seed ${c.seed} batch ${c.batch} (${c.queries.length} queries)`, () => {
    const sampler = brownianTreeNoiseSampler({
      convention: c.convention, seed: BigInt(c.seed), imageShape: fixture.shape, batchSize: c.batch,
      sigmaMin: Math.min(...positive), sigmaMax: Math.max(...positive),
    });
    let worst = 0;
    const out = new Float32Array(c.queries[0].values.length);
    c.queries.forEach((q, k) => {
      const diff = maxAbsDiff(sampler(q.sigma, q.sigma_next, out), q.values);
      assert.ok(diff <= TOL, `query ${k} (${q.sigma} → ${q.sigma_next}): max |Δ| ${diff}`);
      worst = Math.max(worst, diff);
    });
    console.log(`# ${c.convention} ${c.sampler} seed ${c.seed}: max |Δ| ${worst.toExponential(2)}`);
  });
}
