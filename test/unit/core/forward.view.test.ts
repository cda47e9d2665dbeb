// The forward-process view: x_t of an image by the closed form, with seeded noise drawn once; noise
// levels at t; the first sampling step of a scheduler, with and without an image-to-image strength.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { Scheduler } from '../../../src/core/samplers/scheduler';
import { ForwardProcessView, firstSamplingStep } from '../../../src/core/forward/forwardView';
import { noiseLevel, noiseLevelAt, noiseLevelOfSigma } from '../../../src/core/forward/noiseLevel';
import type { Tensor } from '../../../src/core/tensor/tensor';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1 };
const build = (json: Record<string, unknown>): Scheduler => createScheduler(json).scheduler!;
const image = (h: number, w: number): Tensor => ({
  data: Float32Array.from({ length: 3 * h * w }, (_, i) => Math.sin(i * 0.37)),
  shape: [3, h, w],
});

test('x_t is the image at ᾱ = 1, the seeded noise at ᾱ = 0, and √ᾱ·x0 + √(1−ᾱ)·ε between', () => {
  const img = image(4, 5);
  const view = new ForwardProcessView(img, 42);
  assert.deepEqual(view.render(noiseLevel(1)), img.data);
  assert.deepEqual(view.render(noiseLevel(0)), view.noise);
  const out = view.render(noiseLevel(0.36));
  for (let i = 0; i < out.length; i++) assert.equal(out[i], Math.fround(0.6 * img.data[i] + 0.8 * view.noise[i]));
});

test("the noise is the seed's: the same seed gives the same picture, another seed another", () => {
  const img = image(8, 8);
  const level = noiseLevel(0.5);
  assert.deepEqual(new ForwardProcessView(img, 7).render(level), new ForwardProcessView(img, 7).render(level));
  assert.notDeepEqual(new ForwardProcessView(img, 7).render(level), new ForwardProcessView(img, 8).render(level));
});

test('x_t at a training timestep agrees with DDIMScheduler.addNoise (diffusers-checked) on the same noise', () => {
  const img = image(6, 6);
  const view = new ForwardProcessView(img, 3);
  const s = build({ _class_name: 'DDIMScheduler', ...SD });
  for (const t of [0, 250, 999]) {
    const expected = s.addNoise(img, { data: view.noise, shape: img.shape }, [t]).data;
    const got = view.render(noiseLevelAt(s.alphasCumprod, t));
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - expected[i]) <= 1e-6, `t=${t} [${i}]`);
  }
});

test('render reuses the buffer it is given and refuses one of another size', () => {
  const view = new ForwardProcessView(image(2, 2), 0);
  const buf = new Float32Array(12);
  assert.equal(view.render(noiseLevel(0.5), buf), buf);
  assert.throws(() => view.render(noiseLevel(0.5), new Float32Array(5)), /out has 5 values/);
});

test('bad images are refused, naming the problem', () => {
  assert.throws(() => new ForwardProcessView({ data: new Float32Array(16), shape: [4, 2, 2] }, 0), /shape \[4, 2, 2\]/);
  const bright = image(2, 2);
  bright.data[5] = 1.5;
  assert.throws(() => new ForwardProcessView(bright, 0), /1\.5 at index 5 is outside/);
  bright.data[5] = NaN;
  assert.throws(() => new ForwardProcessView(bright, 0), /NaN at index 5/);
});

test('noise levels: σ² = (1−ᾱ)/ᾱ, SNR = 1/σ², zero SNR at ᾱ = 0, fractional t interpolates σ', () => {
  const l = noiseLevel(0.2);
  assert.ok(Math.abs(l.sigma ** 2 - 4) < 1e-12 && Math.abs(l.snr - 0.25) < 1e-12);
  assert.ok(Math.abs(noiseLevelOfSigma(2).alphaCumprod - 0.2) < 1e-12);
  assert.equal(noiseLevel(0).snr, 0);
  assert.equal(noiseLevel(0).sigma, Infinity);
  const abar = build({ _class_name: 'EulerDiscreteScheduler', ...SD }).alphasCumprod;
  const sig = (t: number) => Math.sqrt((1 - abar[t]) / abar[t]);
  assert.ok(Math.abs(noiseLevelAt(abar, 10.25).sigma - (0.75 * sig(10) + 0.25 * sig(11))) < 1e-12);
  assert.equal(noiseLevelAt(abar, 10).alphaCumprod, abar[10]);
  assert.throws(() => noiseLevelAt(abar, 1000), /timestep 1000 is outside the training range 0\.\.999/);
  assert.throws(() => noiseLevel(1.5), /ᾱ must be in \[0, 1\]/);
});

test('first sampling step: leading, trailing and linspace spacing, zero terminal SNR', () => {
  const ddim = firstSamplingStep(build({ _class_name: 'DDIMScheduler', ...SD }), 50)!;
  assert.equal(ddim.t, 981);
  const trailing = build({ _class_name: 'DDIMScheduler', ...SD, timestep_spacing: 'trailing' });
  assert.equal(firstSamplingStep(trailing, 50)!.t, 999);
  assert.ok(ddim.level.snr > firstSamplingStep(trailing, 50)!.level.snr, 'leading starts at less noise');
  const euler = build({ _class_name: 'EulerDiscreteScheduler', ...SD });
  const first = firstSamplingStep(euler, 30)!;
  assert.equal(first.t, 999);
  assert.ok(Math.abs(first.level.sigma - euler.sigmas![0]) < 1e-6 * euler.sigmas![0]);
  const zsnr = build({
    _class_name: 'DDIMScheduler',
    ...SD,
    rescale_betas_zero_snr: true,
    timestep_spacing: 'trailing',
  });
  assert.equal(firstSamplingStep(zsnr, 20)!.level.snr, 0);
});

test("first sampling step with a strength is where diffusers' img2img starts, for every class", () => {
  const ref = JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/forward/forward.json'), 'utf8'));
  for (const c of ref.img2img) {
    const s = build({ _class_name: c.scheduler, ...c.config });
    const first = firstSamplingStep(s, c.num_inference_steps, c.strength);
    if (c.timesteps.length === 0) assert.equal(first, undefined);
    else assert.ok(Math.abs(first!.t - c.timesteps[0]) <= 1e-6 * c.timesteps[0], `${c.scheduler} ${c.strength}`);
  }
});
