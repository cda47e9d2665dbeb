// The fused ancestral Euler step (stepMath.ts eulerAncestralStep) gives the bits of the helpers it fuses:
// toD, a two-term lincomb and addNoise, on values from tiny to large and with zeros of both signs; without
// a noise sampler and a zero coef it adds nothing, and it asks the sampler for noise of the step's σ pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NoiseSampler } from '../../../../src/core/kdiffusion/denoiser';
import { addNoise, eulerAncestralStep, lincomb, toD } from '../../../../src/core/kdiffusion/stepMath';

const values = (n: number, k: number) =>
  Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? (i % 2 ? -0 : 0) : Math.sin(i * k) * 10 ** ((i % 9) - 4)));

test('one pass over x, the same bits as toD, lincomb and addNoise', () => {
  const [x, denoised] = [values(997, 0.37), values(997, 1.91)];
  for (const [sigma, sigmaDown, coef] of [
    [14.6, 9.1, 3.3],
    [0.03, 0.011, 0.02],
    [1.2, 0.7, 0],
  ]) {
    const asked: number[][] = [];
    const noiseSampler: NoiseSampler = (s, next, out) => {
      asked.push([s, next]);
      out.set(values(out.length, 2.3));
      return out;
    };
    const opts = { noiseSampler };
    const moved = lincomb([
      [1, x],
      [sigmaDown - sigma, toD(x, sigma, denoised)],
    ]);
    const want = addNoise(moved, coef, opts, 'euler_ancestral', sigma, 0.5);
    const into = x.slice();
    const got = eulerAncestralStep(into, denoised, sigmaDown, coef, {
      opts,
      sampler: 'euler_ancestral',
      sigma,
      sigmaNext: 0.5,
    });
    assert.equal(got, into, 'written over x');
    assert.deepEqual(got, want, `σ ${sigma}`);
    assert.deepEqual(asked, [
      [sigma, 0.5],
      [sigma, 0.5],
    ]);
  }
});

test('no noise sampler: a zero coef adds nothing, another is an error naming the sampler', () => {
  const [x, denoised] = [values(64, 0.37), values(64, 1.91)];
  const step = (coef: number) =>
    eulerAncestralStep(x.slice(), denoised, 1, coef, {
      opts: {},
      sampler: 'euler_ancestral',
      sigma: 2,
      sigmaNext: 0.5,
    });
  assert.deepEqual(
    step(0),
    lincomb([
      [1, x],
      [-1, toD(x, 2, denoised)],
    ]),
  );
  assert.throws(() => step(0.4), /euler_ancestral: this sampler adds noise/);
});
