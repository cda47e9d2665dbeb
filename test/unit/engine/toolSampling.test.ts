// Tool samplers (RunSpec.toolSampler) through the engine on the tiny model: every name of both tools runs
// (or is refused with its reason), determinism, the noise conventions' batch rules, the documented A1111 vs
// ComfyUI relation, step events, refusals, and a cancel between steps.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StepEvent } from '../../../src/protocol/engine';
import type { ToolSamplerSpec } from '../../../src/protocol/run';
import { A1111_SAMPLERS } from '../../../src/core/kdiffusion/a1111Samplers';
import { COMFY_SAMPLERS } from '../../../src/core/kdiffusion/comfySamplers';
import { initialNoise } from '../../../src/core/noise/initialNoise';
import { distinctColours, maxDiff, request, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

const A1111 = (sampler: string, schedule?: string): ToolSamplerSpec => ({ tool: 'a1111', sampler, schedule });
const COMFY = (sampler: string, schedule: string): ToolSamplerSpec => ({ tool: 'comfyui', sampler, schedule });

test('every A1111 sampler and ComfyUI sampler_name runs through the engine, or is refused with its reason', async () => {
  const names = [
    ...A1111_SAMPLERS.map((e) => ({ spec: A1111(e.label), supported: e.sampler !== undefined, why: e.why })),
    ...COMFY_SAMPLERS.map((e) => ({ spec: COMFY(e.name, 'normal'), supported: e.sampler !== undefined, why: e.why })),
  ];
  const failures: string[] = [];
  for (const { spec, supported, why } of names) {
    const name = `${spec.tool} ${spec.sampler}`;
    try {
      const r = await engine.generate(request({ toolSampler: spec, steps: 4 }));
      if (!supported) failures.push(`${name}: ran, but it is listed as unsupported`);
      else if (distinctColours(r.images[0].rgba) <= 20) failures.push(`${name}: a flat image`);
    } catch (err) {
      const message = (err as Error).message;
      if (supported || !message.includes(why!)) failures.push(`${name}: ${message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('each tool sampler is seeded: same seed same image, another seed another (ancestral and SDE included)', async () => {
  for (const toolSampler of [
    A1111('Euler a'),
    A1111('DPM++ 2M SDE'),
    COMFY('euler_ancestral', 'normal'),
    COMFY('dpmpp_sde', 'karras'),
    COMFY('heun', 'simple'),
  ]) {
    const a = await engine.generate(request({ toolSampler, steps: 3 }));
    const b = await engine.generate(request({ toolSampler, steps: 3 }));
    const other = await engine.generate(request({ toolSampler, steps: 3, seed: 2 }));
    const name = `${toolSampler.tool} ${toolSampler.sampler}`;
    assert.deepEqual(b.images[0].rgba, a.images[0].rgba, name);
    assert.ok(maxDiff(other.images[0].rgba, a.images[0].rgba) > 10, name);
    assert.ok(distinctColours(a.images[0].rgba) > 20, name);
    assert.equal(a.info.toolSampler?.tool, toolSampler.tool);
    assert.deepEqual(
      a.info.warnings.filter((w) => /timestep_spacing/.test(w)),
      [],
      'spacing does not apply',
    );
  }
});

test("a tool run warns of a misspelt scheduler key, but not of keys only diffusers' samplers read", async () => {
  const scheduler = { beta_shedule: 'linear', timestep_spacing: 'trailing' };
  const r = await engine.generate(request({ toolSampler: A1111('Euler a'), steps: 2, scheduler }));
  assert.deepEqual(
    r.info.warnings.filter((w) => /^scheduler config/.test(w)),
    [
      'scheduler config beta_shedule: override beta_shedule is not a config key of DDIMScheduler. Did you mean beta_schedule?',
    ],
  );
});

test('A1111 noise: image i of a batch is the image of seed + i alone, SDE noise included', async () => {
  const toolSampler = A1111('DPM++ 2M SDE', 'Karras');
  const batch = await engine.generate(request({ toolSampler, steps: 3, batchSize: 2, seed: 5 }));
  const alone = await engine.generate(request({ toolSampler, steps: 3, seed: 6 }));
  assert.deepEqual(batch.images[1].rgba, alone.images[0].rgba);
});

test('A1111 variation seed with a tool sampler: x_T as A1111 blends it, image i of a batch alone with its variation seed + i', async () => {
  const toolSampler = A1111('Euler a');
  const varied = { toolSampler, steps: 3, seed: 5, subseed: 11, subseedStrength: 0.4 };
  const events: StepEvent[] = [];
  const batch = await engine.generate(request({ ...varied, batchSize: 2, captureLatents: true }), {
    onStep: (e) => events.push(e),
  });
  assert.deepEqual(batch.info.seeds, [5, 5], 'every image keeps the seed, as in A1111');
  // The first step's x is x_T: the core's A1111 variation draw (checked against A1111's rng.py) × σ₀.
  const [, ...imageShape] = events[0].latentShape;
  const unit = initialNoise({
    convention: 'a1111',
    seed: 5,
    subseed: 11,
    subseedStrength: 0.4,
    imageShape,
    batchSize: 2,
  });
  const s0 = batch.info.toolSampler!.sigmas[0];
  assert.deepEqual(
    events[0].xt,
    unit.map((v) => v * s0),
  );
  const alone = await engine.generate(request({ ...varied, subseed: 12 }));
  assert.deepEqual(batch.images[1].rgba, alone.images[0].rgba);
  const plain = await engine.generate(request({ toolSampler, steps: 3, seed: 5 }));
  const strength0 = await engine.generate(request({ ...varied, subseedStrength: 0 }));
  assert.deepEqual(strength0.images[0].rgba, plain.images[0].rgba, 'strength 0 is the seed alone');
  assert.ok(maxDiff(batch.images[0].rgba, plain.images[0].rgba) > 0, 'a strength changes the image');
  await assert.rejects(
    engine.generate(request({ ...varied, toolSampler: COMFY('euler_ancestral', 'normal') })),
    /a variation seed is A1111's: with a tool sampler it takes the a1111 noise convention, not comfyui/,
  );
});

test('an ENSD reseeds the step noise only: x_T kept, noiseless samplers unchanged; diffusers schedulers alike', async () => {
  const run = async (spec: Parameters<typeof request>[0]) => {
    const events: StepEvent[] = [];
    const r = await engine.generate(request({ steps: 3, seed: 5, captureLatents: true, ...spec }), {
      onStep: (e) => events.push(e),
    });
    return { rgba: r.images[0].rgba, x0: events[0].x0 };
  };
  const ensd = { etaNoiseSeedDelta: 31337 };
  const noisy = [
    { toolSampler: A1111('Euler a') },
    { toolSampler: A1111('DPM++ 2S a') },
    { scheduler: { _class_name: 'EulerAncestralDiscreteScheduler' } },
  ];
  for (const sampler of noisy) {
    const [plain, delta, again] = [
      await run(sampler),
      await run({ ...sampler, ...ensd }),
      await run({ ...sampler, ...ensd }),
    ];
    const name = JSON.stringify(sampler);
    assert.deepEqual(delta.x0, plain.x0, `${name}: the first x̂0, from x_T alone, is the seed's`);
    assert.ok(maxDiff(delta.rgba, plain.rgba) > 0, `${name}: the step noise changes`);
    assert.deepEqual(again.rgba, delta.rgba, `${name}: the same delta, the same image`);
  }
  for (const sampler of [{ toolSampler: A1111('DPM++ 2M') }, { scheduler: { _class_name: 'DDIMScheduler' } }]) {
    assert.deepEqual((await run({ ...sampler, ...ensd })).rgba, (await run(sampler)).rgba, JSON.stringify(sampler));
  }
  // Image i of a batch keeps its own seed + i + delta, as alone.
  const batch = await engine.generate(
    request({ toolSampler: A1111('Euler a'), steps: 3, seed: 5, batchSize: 2, ...ensd }),
  );
  assert.deepEqual(batch.images[1].rgba, (await run({ toolSampler: A1111('Euler a'), seed: 6, ...ensd })).rgba);
  await assert.rejects(
    engine.generate(request({ toolSampler: COMFY('euler_ancestral', 'normal'), ...ensd })),
    /an eta noise seed delta \(ENSD\) is A1111's: with a tool sampler it takes the a1111 noise convention, not comfyui/,
  );
});

test('A1111 "DPM++ 2M Karras" and ComfyUI dpmpp_2m + karras: the same σ, x_T scaled σ₀ against √(1 + σ₀²)', async () => {
  const run = async (toolSampler: ToolSamplerSpec) => {
    const events: StepEvent[] = [];
    const r = await engine.generate(request({ toolSampler, steps: 4, captureLatents: true }), {
      onStep: (e) => events.push(e),
    });
    return { r, events };
  };
  const a = await run(A1111('DPM++ 2M Karras'));
  const c = await run(COMFY('dpmpp_2m', 'karras'));
  const [sa, sc] = [a.r.info.toolSampler!.sigmas, c.r.info.toolSampler!.sigmas];
  assert.equal(sa.length, 5);
  // Equal but for σ_min: A1111's table comes from float32 ᾱ, where 1 − ᾱ₀ = β₀ keeps 3 digits of 7.
  sa.forEach((s, i) => assert.ok(Math.abs(s - sc[i]) <= 2e-5 * s, `σ[${i}] ${s} vs ${sc[i]}`));
  assert.equal(sa[0], sc[0]);
  assert.deepEqual(a.r.info.toolSampler!.comfyui, { samplerName: 'dpmpp_2m', scheduler: 'karras' });
  assert.deepEqual(c.r.info.toolSampler!.a1111, { sampler: 'DPM++ 2M', scheduleType: 'Karras' });
  // The first step's x is x_T: the same unit noise (batch 1: one generator seeded 1 in both), scaled differently.
  const s0 = sa[0];
  const ratio = Math.sqrt(1 + s0 * s0) / s0;
  const [xa, xc] = [a.events[0].xt!, c.events[0].xt!];
  for (let i = 0; i < xa.length; i++)
    assert.ok(Math.abs(xa[i] * ratio - xc[i]) <= 1e-5 * Math.abs(xc[i]) + 1e-6, `x_T[${i}]`);
  // Step events: one per sampler step, σ from the list, the UNet time by each tool's rule.
  assert.deepEqual(
    a.events.map((e) => [e.step, e.totalSteps]),
    [
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
    ],
  );
  assert.deepEqual(
    a.events.map((e) => e.sigma),
    sa.slice(0, 4),
  );
  assert.equal(c.events[1].t, Math.round(c.events[1].t), 'ComfyUI feeds the nearest whole timestep');
  assert.notEqual(a.events[1].t, Math.round(a.events[1].t), 'A1111 feeds the fractional one');
  assert.ok(maxDiff(a.r.images[0].rgba, c.r.images[0].rgba) > 0, 'the scaling and timesteps differ, so the images do');
});

test('explicit σ run with a σ-list sampler; noise convention overrides; refusals name the field', async () => {
  const sigmas = [14.6, 3, 0.5, 0];
  const r = await engine.generate(request({ toolSampler: COMFY('dpmpp_2m', 'normal'), sigmas }));
  assert.deepEqual(r.info.toolSampler!.sigmas, sigmas);
  assert.equal(r.info.spec.steps, 3);
  const comfyNoise = await engine.generate(
    request({ toolSampler: A1111('Euler a'), steps: 3, batchSize: 2, noise: 'comfyui' }),
  );
  const a1111Noise = await engine.generate(request({ toolSampler: A1111('Euler a'), steps: 3, batchSize: 2 }));
  assert.equal(comfyNoise.info.toolSampler!.noise, 'comfyui');
  assert.ok(maxDiff(comfyNoise.images[1].rgba, a1111Noise.images[1].rgba) > 10, 'the second image draws other noise');
  await assert.rejects(engine.generate(request({ toolSampler: A1111('DDIM'), sigmas })), /DDIM takes no σ list/);
  await assert.rejects(
    engine.generate(request({ toolSampler: A1111('DPM++ SDE'), noise: 'diffusers' })),
    /Brownian-tree/,
  );
  await assert.rejects(
    engine.generate(request({ toolSampler: A1111('UniPC'), steps: 2 })),
    /A1111's UniPC needs at least 3 steps \(it runs at order 3\), not 2/,
  );
  await assert.rejects(
    engine.generate(request({ toolSampler: COMFY('dpmpp_2m_sde', 'karras'), steps: 1 })),
    /ComfyUI's dpmpp_2m_sde needs at least 2 steps \(its Brownian-tree noise runs between two σ\), not 1/,
  );
  await assert.rejects(
    engine.generate(request({ toolSampler: COMFY('dpmpp_2m_sde', 'karras'), sigmas: [14.6, 0] })),
    /dpmpp_2m_sde: its Brownian-tree noise .* 1 step of this schedule gives one σ \(14\.6\): give more steps/,
  );
  await assert.rejects(
    engine.generate(request({ toolSampler: COMFY('dpmpp_2m', 'karras'), sigmas: [20, 1, 0] })),
    /outside the training range/,
  );
});

test('a tool run cancelled between steps stops there, and the next tool run gives the image it gave before', async () => {
  const toolSampler = A1111('Euler a');
  const before = await engine.generate(request({ toolSampler, steps: 3 }));
  const abort = new AbortController();
  const steps: number[] = [];
  const run = engine.generate(request({ toolSampler, steps: 500 }), {
    signal: abort.signal,
    onStep: (e) => {
      steps.push(e.step);
      if (e.step === 2) abort.abort();
    },
  });
  await assert.rejects(run, (e: { code?: string }) => e.code === 'CANCELLED');
  assert.ok(steps.length < 500, `stopped after ${steps.length} steps`);
  const again = await engine.generate(request({ toolSampler, steps: 3 }));
  assert.deepEqual(again.images[0].rgba, before.images[0].rgba);
});
