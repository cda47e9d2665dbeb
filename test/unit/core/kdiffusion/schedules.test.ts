// σ schedules against ComfyUI v0.3.77 (KSampler.calculate_sigmas) and A1111 v1.10.1
// (KDiffusionSampler.get_sigmas, CompVisSampler.get_timesteps) for every scheduler/schedule type, steps
// 1, 2, 3, 10, 20, with the SD 1.5 σ table. Tolerance 1e-4 relative (most values agree bit for bit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { a1111DdimTimesteps } from '../../../../src/core/kdiffusion/a1111Samplers';
import { alignYourStepsSchedule } from '../../../../src/core/kdiffusion/alignYourSteps';
import { ldmAlphasCumprod, nearestTimestep, sigmaTable, sigmaToT } from '../../../../src/core/kdiffusion/sigmaTable';
import {
  lcmSubTable,
  resolveA1111,
  resolveComfy,
  toolSigmas,
  type ResolvedToolSampler,
} from '../../../../src/core/kdiffusion/toolSamplers';
import { assertClose, loadFixture } from './fixtures';

const TOL = 1e-4;
const comfy = loadFixture('comfyui');
const a1111 = loadFixture('a1111');
const tables = { comfyui: sigmaTable(ldmAlphasCumprod(), 'comfyui'), a1111: sigmaTable(ldmAlphasCumprod(), 'a1111') };

test('σ tables: ComfyUI (float64 → float32) and A1111 (float32 ᾱ) bit for bit, LCM sub-table', () => {
  assert.deepEqual(Array.from(tables.comfyui.sigmas), comfy.sigmaTable.map(Math.fround));
  assert.deepEqual(Array.from(tables.a1111.sigmas), a1111.sigmaTable.map(Math.fround));
  assert.deepEqual(Array.from(lcmSubTable(tables.a1111).sigmas), a1111.lcmSigmaTable.map(Math.fround));
});

test('ComfyUI: every scheduler × steps, with and without the next-to-last σ drop (dpm_2)', () => {
  const keys = Object.keys(comfy.schedules);
  assert.equal(keys.length, 2 * 9 * 5);
  for (const key of keys) {
    const [sampler, scheduler, steps] = key.split('/');
    const r = resolveComfy(sampler, scheduler) as ResolvedToolSampler;
    const expected = comfy.schedules[key];
    if (expected === null) {
      // ComfyUI's kl_optimal divides by N − 1: NaN for one step (two with the drop, then NaN again).
      assert.throws(() => toolSigmas(r, tables.comfyui, Number(steps)), /kl_optimal/);
      continue;
    }
    assertClose(toolSigmas(r, tables.comfyui, Number(steps)), expected, TOL, key);
  }
});

test('A1111: every sampler × schedule type (Automatic included) × steps', () => {
  const keys = Object.keys(a1111.schedules).filter((k) => !k.startsWith('DDIM/') && !k.startsWith('SDXL/'));
  assert.equal(keys.length, 14 * 12 * 5);
  for (const key of keys) {
    const [sampler, type, steps] = key.split('/');
    const r = resolveA1111(sampler, type) as ResolvedToolSampler;
    assert.ok(!('code' in r), key);
    assertClose(toolSigmas(r, tables.a1111, Number(steps)), a1111.schedules[key], TOL, key);
  }
});

test('A1111 DDIM: its own timesteps (20 steps: 20 timesteps, 19 model calls) whatever the schedule type', () => {
  for (const steps of [1, 2, 3, 10, 20]) {
    assert.deepEqual(a1111DdimTimesteps(steps), a1111.schedules[`DDIM/timesteps/${steps}`]);
  }
  const r = resolveA1111('DDIM', 'Karras') as ResolvedToolSampler;
  const sigmas = toolSigmas(r, tables.a1111, 20);
  assert.equal(sigmas.length, 20);
  assert.equal(sigmas[19], tables.a1111.sigmas[1]);
});

test('UNet time of a σ: A1111 fractional (sigma_to_t), ComfyUI nearest integer (timestep)', () => {
  a1111.unetTime.sigmas.forEach((s: number, k: number) => {
    // float32 t near 1000 has a 6e-5 ulp
    assert.ok(Math.abs(sigmaToT(tables.a1111, s) - a1111.unetTime.t[k]) <= 1e-4, `A1111 t(${s})`);
    assert.equal(nearestTimestep(tables.comfyui, s), comfy.unetTime.timesteps[k], `ComfyUI t(${s})`);
  });
});

test('Align Your Steps (SDXL table) against A1111 with an SDXL model loaded', () => {
  for (const steps of [1, 2, 3, 10, 20]) {
    const expected = a1111.schedules[`SDXL/Align Your Steps/${steps}`];
    assertClose(alignYourStepsSchedule(steps, 'sdxl'), expected, TOL, `${steps} steps`);
  }
});

test('Align Your Steps: the published 10-step tables verbatim, other counts log-linear between them', () => {
  assert.deepEqual(alignYourStepsSchedule(11, 'sdxl').slice(0, 3), [14.615, 6.315, 3.771].map(Math.fround));
  const five = alignYourStepsSchedule(5, 'sd15');
  assert.equal(five.length, 6);
  assert.equal(five[0], Math.fround(14.615));
  assert.equal(five[4], Math.fround(0.029));
  assert.throws(() => alignYourStepsSchedule(0, 'sd15'), /steps must be/);
});
