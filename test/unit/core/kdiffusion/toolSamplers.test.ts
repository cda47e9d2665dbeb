// Name resolution both ways, errors as data, the UI name lists, and the model-call plan for progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askModel, runWith, type SamplerOptions } from '../../../../src/core/kdiffusion/denoiser';
import { SAMPLERS, modelCallPlan } from '../../../../src/core/kdiffusion/samplers';
import { ldmAlphasCumprod, sigmaTable } from '../../../../src/core/kdiffusion/sigmaTable';
import { toolNameGroups, toolNames } from '../../../../src/core/kdiffusion/toolNames';
import {
  initialNoiseScale,
  resolveA1111,
  resolveComfy,
  toolSigmas,
  type ResolvedToolSampler,
} from '../../../../src/core/kdiffusion/toolSamplers';

const ok = (r: unknown): ResolvedToolSampler => {
  assert.ok(r && typeof r === 'object' && !('code' in r), JSON.stringify(r));
  return r as ResolvedToolSampler;
};

test('A1111: labels, aliases, legacy "Sampler Schedule" names and Automatic per sampler', () => {
  const karras = ok(resolveA1111('DPM++ 2M Karras'));
  assert.equal(karras.sampler.id, 'dpmpp_2m');
  assert.deepEqual(karras.schedule, { tool: 'a1111', type: 'Karras' });
  assert.deepEqual(ok(resolveA1111('DPM++ 2M')).schedule, { tool: 'a1111', type: 'Karras' });
  assert.deepEqual(ok(resolveA1111('Euler a')).schedule, { tool: 'a1111', type: 'Uniform' });
  assert.equal(ok(resolveA1111('k_euler_a', 'sgm_uniform')).schedule.tool, 'a1111');
  assert.deepEqual(ok(resolveA1111('k_euler_a', 'SGMUniform')).schedule, { tool: 'a1111', type: 'SGM Uniform' });
  const sde = ok(resolveA1111('DPM++ 2M SDE Heun'));
  assert.equal(sde.sampler.id, 'dpmpp_2m_sde_heun');
  assert.deepEqual(sde.schedule, { tool: 'a1111', type: 'Exponential' });
  assert.equal(ok(resolveA1111('DPM2 a Karras')).discardPenultimate, true);
  assert.equal(ok(resolveA1111('LMS')).sampler.id, 'lms_a1111');
});

test('errors come back as findings naming the problem', () => {
  const unknown = resolveA1111('Euler z');
  assert.ok('code' in unknown && unknown.code === 'unknown-sampler' && /Euler z/.test(unknown.message));
  const unsupported = resolveA1111('DDIM CFG++');
  assert.ok('code' in unsupported && unsupported.code === 'unsupported-sampler');
  const badSchedule = resolveA1111('Euler', 'Wavy');
  assert.ok('code' in badSchedule && /Wavy/.test(badSchedule.message));
  const comfy = resolveComfy('euler', 'karras2');
  assert.ok('code' in comfy && /karras2/.test(comfy.message));
  const missing = resolveComfy('eulerr', 'normal');
  assert.ok('code' in missing && missing.code === 'unknown-sampler');
});

test('names back out: explicit A1111 schedule type and ComfyUI strings where the other tool runs the same', () => {
  assert.deepEqual(toolNames(ok(resolveA1111('DPM++ 2M'))), {
    a1111: { sampler: 'DPM++ 2M', scheduleType: 'Karras' },
    comfyui: { samplerName: 'dpmpp_2m', scheduler: 'karras' },
  });
  assert.deepEqual(toolNames(ok(resolveComfy('euler_ancestral', 'normal'))), {
    a1111: { sampler: 'Euler a', scheduleType: 'Normal' },
    comfyui: { samplerName: 'euler_ancestral', scheduler: 'normal' },
  });
  // Differences keep a name from crossing: A1111 drops a σ for 3M SDE, ComfyUI does not; beta differs.
  assert.equal(toolNames(ok(resolveA1111('DPM++ 3M SDE'))).comfyui, undefined);
  assert.equal(toolNames(ok(resolveComfy('dpmpp_2m', 'beta'))).a1111, undefined);
  assert.equal(toolNames(ok(resolveComfy('lms', 'karras'))).a1111, undefined);
  assert.deepEqual(toolNames(ok(resolveComfy('dpm_2', 'karras'))).a1111, { sampler: 'DPM2', scheduleType: 'Karras' });
});

test('name groups list every tool name, flagging the ones not reproduced', () => {
  const groups = toolNameGroups();
  const a1111Samplers = groups.find((g) => g.tool === 'a1111' && g.group === 'sampler')!;
  assert.equal(a1111Samplers.names.length, 20);
  assert.equal(a1111Samplers.names.find((n) => n.name === 'PLMS')!.supported, true);
  assert.equal(a1111Samplers.names.find((n) => n.name === 'DDIM CFG++')!.supported, false);
  const comfySchedulers = groups.find((g) => g.tool === 'comfyui' && g.group === 'schedule')!;
  assert.deepEqual(comfySchedulers.names.map((n) => n.name).slice(0, 3), ['simple', 'sgm_uniform', 'karras']);
});

test('model-call plan: calls per step and the σ of each, for progress', () => {
  const sigmas = [10, 5, 1, 0];
  const heun = modelCallPlan(SAMPLERS.heun, sigmas);
  assert.deepEqual(heun, [
    { step: 0, sigma: 10 },
    { step: 0, sigma: 5 },
    { step: 1, sigma: 5 },
    { step: 1, sigma: 1 },
    { step: 2, sigma: 1 },
  ]);
  assert.equal(modelCallPlan(SAMPLERS.euler, sigmas).length, 3);
  assert.equal(modelCallPlan(SAMPLERS.dpmpp_sde, sigmas).length, 5);
  // A1111's PLMS at 20 steps: 20 timesteps, 19 steps, the first one Heun: 20 calls.
  const plms = ok(resolveA1111('PLMS'));
  const plan = modelCallPlan(plms.sampler, toolSigmas(plms, sigmaTable(ldmAlphasCumprod(), 'a1111'), 20));
  assert.equal(plan.length, 20);
  assert.deepEqual(
    plan.slice(0, 3).map((c) => c.step),
    [0, 0, 1],
  );
  assert.throws(() => modelCallPlan(SAMPLERS.dpm_adaptive, sigmas), /depends on the model/);
  const zero = () => new Float32Array(1);
  assert.throws(() => runWith(SAMPLERS.euler_ancestral.run(askModel, zero(), sigmas), zero), /noiseSampler/);
  assert.throws(() => runWith(SAMPLERS.uni_pc_a1111.run(askModel, zero(), sigmas), zero), /alphasCumprod/);
});

test('initial noise scale: ComfyUI √(1+σ₀²) at full denoise, A1111 k-samplers σ₀', () => {
  const table = sigmaTable(ldmAlphasCumprod());
  const comfy = ok(resolveComfy('euler', 'normal'));
  const s = toolSigmas(comfy, table, 10);
  assert.equal(initialNoiseScale(comfy, s, table), Math.sqrt(1 + s[0] * s[0]));
  assert.equal(initialNoiseScale(comfy, s.slice(3), table), s[3]);
  const a = ok(resolveA1111('Euler'));
  assert.equal(initialNoiseScale(a, s, table), s[0]);
});

test('every sampler leaves its input alone, copes with a reused denoiser buffer and gives finite values', () => {
  const sigmas = [14.6, 6, 2.5, 1, 0.3, 0.03, 0];
  const buf = new Float32Array(4);
  const reused = (x: Float32Array, s: number) => {
    for (let j = 0; j < 4; j++) buf[j] = Math.tanh(x[j] / Math.sqrt(1 + s * s)) + 0.1 * j;
    return buf;
  };
  const noiseSampler = (_s: number, _n: number, out: Float32Array) => out.fill(0.5);
  for (const spec of Object.values(SAMPLERS)) {
    const x = Float32Array.from([14, -7, 3, 0.5]);
    const out = runWith(spec.run(askModel, x, sigmas, { noiseSampler, alphasCumprod: ldmAlphasCumprod() }), reused);
    assert.deepEqual(Array.from(x), [14, -7, 3, 0.5], spec.id);
    assert.ok(out.every(Number.isFinite), `${spec.id}: ${Array.from(out)}`);
  }
});

test('solverType overrides the 2M SDE default, as solver_type does', () => {
  const sigmas = [14.6, 3, 0.5, 0.05, 0];
  const denoise = (x: Float32Array, s: number) => x.map((v) => 0.8 * Math.tanh(v / Math.sqrt(1 + s * s)));
  const x = Float32Array.from([10, -5, 2]);
  const run = (id: 'dpmpp_2m_sde' | 'dpmpp_2m_sde_heun', opts: SamplerOptions) =>
    runWith(SAMPLERS[id].run(askModel, x, sigmas, opts), denoise);
  const heun = run('dpmpp_2m_sde_heun', { eta: 0 });
  assert.deepEqual(run('dpmpp_2m_sde', { eta: 0, solverType: 'heun' }), heun);
  assert.notDeepEqual(run('dpmpp_2m_sde', { eta: 0 }), heun);
});
