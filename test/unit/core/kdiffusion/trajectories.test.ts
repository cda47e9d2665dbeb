// Every sampler × schedule × step count the generator ran through ComfyUI v0.3.77 and A1111 v1.10.1 (with
// its pinned k-diffusion ab527a9): the σ list, the σ of every model call, model outputs along the way and
// the final latent, with the same stand-in model, x_T and noise draws. Tolerance 1e-4 relative to
// max(1, |value|): the tools run in float32, this code in float64 rounded to float32 per array op, and
// TorchGenerator's Box–Muller matches torch's vectorised one to ~1e-6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  finalLatentScale,
  initialNoiseScale,
  resolveA1111,
  resolveComfy,
  toolSigmas,
  type ResolvedToolSampler,
} from '../../../../src/core/kdiffusion/toolSamplers';
import { askModel, runWith, type SamplerOptions } from '../../../../src/core/kdiffusion/denoiser';
import { modelCallPlan } from '../../../../src/core/kdiffusion/samplers';
import { ldmAlphasCumprod, sigmaTable } from '../../../../src/core/kdiffusion/sigmaTable';
import { assertClose, countingNoise, initialNoise, loadFixture, standIn } from './fixtures';

const TOL = 1e-4;
/** k-diffusion keyword → SamplerOptions field. */
const OPTION_NAMES: Record<string, keyof SamplerOptions> = {
  s_churn: 'sChurn',
  s_tmin: 'sTmin',
  s_tmax: 'sTmax',
  s_noise: 'sNoise',
  eta: 'eta',
  r: 'r',
  order: 'order',
  max_order: 'order',
};

function options(run: any): SamplerOptions {
  return Object.fromEntries(Object.entries(run.options ?? {}).map(([k, v]) => [OPTION_NAMES[k], v]));
}
const tables = { comfyui: sigmaTable(ldmAlphasCumprod(), 'comfyui'), a1111: sigmaTable(ldmAlphasCumprod(), 'a1111') };
/** The float32 ᾱ A1111's model holds (its UniPC builds its schedule from it). */
const a1111AlphasCumprod = ldmAlphasCumprod().map(Math.fround);

function check(tool: string, r: ResolvedToolSampler, run: any): void {
  const schedule = run.scheduler ?? run.scheduleType;
  const label = `${tool} ${run.sampler}/${schedule}/${run.steps} ${JSON.stringify(run.options ?? {})}`;
  const table = tables[r.tool];
  const sigmas = toolSigmas(r, table, run.steps);
  if (r.modelRange) {
    // A1111 hands DPM fast (σ_min, σ_max, N) and scales the noise by its schedule's σ₀.
    assert.deepEqual(
      [sigmas[0], sigmas[sigmas.length - 1], sigmas.length - 1],
      [table.sigmas[table.sigmas.length - 1], table.sigmas[0], run.steps],
    );
    assertClose([sigmas[0]], [run.sigmas[0]], TOL, `${label} σ₀`);
  } else {
    assertClose(sigmas, run.sigmas, TOL, `${label} σ`);
  }
  const calls: number[] = [];
  const noise = countingNoise();
  const outputs: Float32Array[] = [];
  const x0 = initialNoise().map((v) => v * initialNoiseScale(r, sigmas, table));
  const opts = { ...r.options, ...options(run), alphasCumprod: a1111AlphasCumprod };
  const steps: number[] = [];
  const out = runWith(
    r.sampler.run(askModel, x0, sigmas, {
      ...opts,
      noiseSampler: noise.sampler,
      callback: ({ i }) => steps.push(i),
    }),
    standIn(calls, outputs),
  );
  assert.deepEqual(steps, [...steps.keys()], `${label}: one callback per step, in order`);
  assertClose(calls, run.calls, TOL, `${label} model-call σ`);
  if (!r.sampler.adaptive) {
    assertClose(
      modelCallPlan(r.sampler, sigmas, opts).map((c) => c.sigma),
      run.calls,
      TOL,
      `${label} plan`,
    );
  }
  // A1111's pinned k-diffusion draws (and discards) noise every Euler/Heun/DPM2 step even without churn;
  // for deterministic samplers only the result counts.
  if (r.sampler.noise !== 'none' || opts.sChurn) assert.equal(noise.draws(), run.noiseDraws, `${label}: noise draws`);
  for (const [k, expected] of Object.entries<number[]>(run.modelOutputs)) {
    assertClose(outputs[Number(k)].subarray(0, expected.length), expected, TOL, `${label} output of call ${k}`);
  }
  const scale = finalLatentScale(r, sigmas);
  assertClose(
    out.subarray(0, run.x.length).map((v) => v * scale),
    run.x,
    TOL,
    `${label} final x`,
  );
}

test('ComfyUI trajectories: every sampler × scheduler × steps in the fixture', () => {
  const fx = loadFixture('comfyui');
  assert.ok(fx.runs.length > 400);
  for (const run of fx.runs) {
    const r = resolveComfy(run.sampler, run.scheduler);
    assert.ok(!('code' in r), `${run.sampler}: ${'message' in r ? r.message : ''}`);
    check('comfyui', r, run);
  }
});

test('A1111 trajectories: every sampler × schedule type × steps in the fixture', () => {
  const fx = loadFixture('a1111');
  assert.ok(fx.runs.length > 400);
  let crashes = 0;
  for (const run of fx.runs) {
    const r = resolveA1111(run.sampler, run.scheduleType);
    assert.ok(!('code' in r), `${run.sampler}: ${'message' in r ? r.message : ''}`);
    if (run.error) {
      crashes++;
      // A1111's UniPC refuses fewer steps than its order (3); so does this code.
      if (run.sampler === 'UniPC') {
        assert.ok(run.steps < 3);
        assert.throws(() => toolSigmas(r, tables.a1111, run.steps), /at least 3 steps/);
        continue;
      }
      // A1111's pinned DPM++ 2M/3M SDE read an unset h on a single step; only those may crash.
      assert.match(run.sampler, /^DPM\+\+ [23]M SDE/);
      assert.equal(run.steps, 1);
      continue;
    }
    check('a1111', r, run);
  }
  assert.equal(crashes, 26);
});
