// Image-to-image with the tools' samplers against their own code (gen_kdiffusion_fixtures.py `img2img`):
// A1111's KDiffusionSampler.sample_img2img and ComfyUI's KSampler.set_steps(steps, denoise) with
// noise_scaling over the latent, for seven samplers × two schedules × steps 4 and 10 × strengths 0, 0.3,
// 0.75 and 1; A1111's CompVisSampler.sample_img2img for its DDIM, PLMS and UniPC at the same steps and
// strengths. Each case checks the σ the sampler runs, A1111's x_T (the latent + noise·σ₀; for DDIM, PLMS and
// UniPC the latent noised in ε-space) and the σ range of its Brownian tree, the σ of every model call, the noise draws and
// the final latent, through prepareToolRun with the same stand-in model and noise as the other trajectories
// (tolerance as there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareToolRun, sampleToolRun } from '../../../../src/core/kdiffusion/toolRun';
import { toolImageSigmas } from '../../../../src/core/kdiffusion/toolImageSigmas';
import { resolveA1111, resolveComfy, type ResolvedToolSampler } from '../../../../src/core/kdiffusion/toolSamplers';
import { ldmAlphasCumprod, sigmaTable } from '../../../../src/core/kdiffusion/sigmaTable';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';
import { assertClose, countingNoise, loadFixture, SHAPE, standIn } from './fixtures';

const TOL = 1e-4;
const STORED = 16;
const alphasCumprod = ldmAlphasCumprod();
/** 0.8·torch.randn(SHAPE, generator seeded 5), as the generator made it. */
const initLatents = () => new TorchGenerator(5).randn(SHAPE).map((v) => 0.8 * v);

function check(r: ResolvedToolSampler, c: any, label: string): void {
  const noise = { convention: r.tool, seed: 0, imageShape: SHAPE.slice(1), batchSize: 1 };
  const init = { latents: initLatents(), strength: c.strength };
  const run = prepareToolRun({ resolved: r, alphasCumprod, steps: c.steps, noise, init });
  assertClose(run.sigmas, c.sigmas, TOL, `${label} σ`);
  if (c.xStart) assertClose(run.x.subarray(0, STORED), c.xStart, TOL, `${label} x_T`);
  if (c.xStartEps) {
    // The sampler's σ-space at its first σ is ε-space × √(1 + σ₀²).
    const back = run.sigmas.length ? Math.sqrt(1 + run.sigmas[0] ** 2) : 1;
    assertClose(
      run.x.subarray(0, STORED).map((v) => v / back),
      c.xStartEps,
      TOL,
      `${label} x_T in ε-space`,
    );
  }
  if (c.treeSigmas?.length) {
    const { treeSigmas } = toolImageSigmas(r, sigmaTable(alphasCumprod, r.tool), c.steps, c.strength);
    assertClose(treeSigmas, c.treeSigmas, TOL, `${label} Brownian tree σ`);
  }
  const calls: number[] = [];
  const draws = countingNoise();
  const out = sampleToolRun({ ...run, options: { ...run.options, noiseSampler: draws.sampler } }, standIn(calls));
  assertClose(calls, c.calls ?? [], TOL, `${label} model-call σ`);
  // ComfyUI at strength 0 samples nothing: no model call, no draw, the latents as they came.
  if (r.sampler.noise !== 'none') assert.equal(draws.draws(), c.noiseDraws ?? 0, `${label}: noise draws`);
  assertClose(out.subarray(0, STORED), c.x, TOL, `${label} x`);
}

test('A1111 image-to-image: its σ slice, x_T over the latent, the whole schedule for the Brownian tree', () => {
  const cases = loadFixture('a1111').img2img;
  assert.equal(cases.length, 136);
  assert.equal(cases.filter((c: any) => c.xStartEps).length, 21, 'DDIM, PLMS and UniPC (where it runs)');
  let crashes = 0;
  for (const c of cases) {
    const r = resolveA1111(c.sampler, c.scheduleType) as ResolvedToolSampler;
    const label = `a1111 ${c.sampler}/${c.scheduleType}/${c.steps} at ${c.strength}`;
    if (c.error && c.sampler === 'UniPC') {
      // Its order 3 needs t_enc ≥ 3 timesteps: refused here, where A1111 fails.
      const noise = { convention: 'a1111' as const, seed: 0, imageShape: SHAPE.slice(1), batchSize: 1 };
      const init = { latents: initLatents(), strength: c.strength };
      assert.throws(() => prepareToolRun({ resolved: r, alphasCumprod, steps: c.steps, noise, init }), /at least 3/);
      continue;
    }
    if (c.error) {
      // A1111's pinned DPM++ 2M SDE reads an unset h on a single step (strength 0: t_enc + 1 = 1 step).
      crashes++;
      assert.equal(c.sampler, 'DPM++ 2M SDE');
      assert.equal(c.sigmas.length, 2, label);
      continue;
    }
    check(r, c, label);
  }
  assert.equal(crashes, 4);
});

test('ComfyUI image-to-image: the last steps + 1 σ of ⌊steps/denoise⌋, noise_scaling over the latent', () => {
  const cases = loadFixture('comfyui').img2img;
  assert.equal(cases.length, 112);
  for (const c of cases) {
    const r = resolveComfy(c.sampler, c.scheduler) as ResolvedToolSampler;
    check(r, c, `comfyui ${c.sampler}/${c.scheduler}/${c.steps} at ${c.strength}`);
  }
});

test('DPM fast and adaptive do not start from an init image, nor do latents of another size', () => {
  const noise = { convention: 'a1111' as const, seed: 0, imageShape: SHAPE.slice(1), batchSize: 1 };
  const init = { latents: initLatents(), strength: 0.5 };
  const spec = (resolved: ResolvedToolSampler) => ({ resolved, alphasCumprod, steps: 10, noise, init });
  for (const sampler of ['DPM fast', 'DPM adaptive'])
    assert.throws(
      () => prepareToolRun(spec(resolveA1111(sampler, 'Automatic') as ResolvedToolSampler)),
      new RegExp(`${sampler} does not start from an init image yet`),
    );
  const euler = resolveA1111('Euler', 'Automatic') as ResolvedToolSampler;
  assert.throws(
    () => prepareToolRun({ ...spec(euler), init: { latents: new Float32Array(3), strength: 0.5 } }),
    /the init latents have 3 values/,
  );
});
