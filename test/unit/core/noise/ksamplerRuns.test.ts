// Whole sampling runs against ComfyUI's KSampler and A1111 (test/fixtures/reference/noise/ksampler.json, made
// by gen_ksampler_fixtures.py with the tools' own code): the tool's σ list, x_T from its noise convention scaled
// as it scales it, the ancestral or Brownian-tree noise it feeds the sampler, on the k-diffusion stand-in model.
// Every step's x and x̂0 and the result must agree to 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldmAlphasCumprod } from '../../../../src/core/kdiffusion/sigmaTable';
import { noisePrefetch, prepareToolRun, sampleToolRun } from '../../../../src/core/kdiffusion/toolRun';
import { isToolFinding, resolveToolSampler, type Tool } from '../../../../src/core/kdiffusion/toolSamplers';
import { standIn } from '../kdiffusion/fixtures';

const ref = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/reference/noise/ksampler.json'), 'utf8'));
const size = ref.shape.reduce((a: number, b: number) => a * b, 1);

/** The first `stored` values of each image, as the fixture keeps them. */
const picked = (x: Float32Array) =>
  Array.from({ length: ref.batch }, (_, b) => Array.from(x.subarray(b * size, b * size + ref.stored)));

function near(actual: number[][], expected: number[][], what: string, tol = 1e-4): void {
  expected.forEach((row, b) =>
    row.forEach((v, j) => {
      const d = Math.abs(actual[b][j] - v);
      assert.ok(d <= tol * Math.max(1, Math.abs(v)), `${what}: image ${b} value ${j}: ${actual[b][j]} vs ${v}`);
    }),
  );
}

for (const tool of ['comfyui', 'a1111'] as Tool[]) {
  for (const run of ref[tool]) {
    const schedule = tool === 'comfyui' ? run.scheduler : run.scheduleType;
    test(`${tool} ${run.sampler} ${schedule} ${run.steps} steps, batch ${ref.batch}, seed ${ref.seed}`, () => {
      const resolved = resolveToolSampler(tool, run.sampler, schedule);
      if (isToolFinding(resolved)) throw new Error(resolved.message);
      const prepare = () =>
        prepareToolRun({
          resolved,
          alphasCumprod: ldmAlphasCumprod(),
          steps: run.steps,
          noise: { convention: tool, seed: ref.seed, imageShape: ref.shape, batchSize: ref.batch },
        });
      const toolRun = prepare();
      run.sigmas.forEach((s: number, i: number) =>
        assert.ok(Math.abs(toolRun.sigmas[i] - s) <= 1e-6 * Math.max(1, s), `σ[${i}] ${toolRun.sigmas[i]} vs ${s}`),
      );
      const steps: { x: number[][]; denoised: number[][] }[] = [];
      const out = sampleToolRun(toolRun, standIn([], [], size * ref.batch), ({ x, denoised }) =>
        steps.push({ x: picked(x), denoised: picked(denoised) }),
      );
      assert.equal(steps.length, run.trajectory.length);
      run.trajectory.forEach((s: { x: number[][]; denoised: number[][] }, i: number) => {
        near(steps[i].x, s.x, `step ${i} x`);
        near(steps[i].denoised, s.denoised, `step ${i} x̂0`);
      });
      near(picked(out), run.final, 'result');
      // As the engine's sampler worker runs it: the next noise worked out during each model call.
      const ahead = prepare();
      const prefetch = noisePrefetch(ahead);
      const model = standIn([], [], size * ref.batch);
      const early = sampleToolRun(ahead, (x, sigma) => {
        prefetch(sigma);
        return model(x, sigma);
      });
      assert.deepEqual(early, out, 'the same values with the noise drawn early');
    });
  }
}
