// Reading scheduler configs: defaults per class as diffusers 0.35.2, findings for every kind of problem,
// and no exception for any JSON value at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSchedulerConfig } from '../../../src/core/config/readSchedulerConfig';
import { SCHEDULER_CLASSES } from '../../../src/core/config/schedulerClasses';
import { configAlphasCumprod, sigmaRange, terminalSnr } from '../../../src/core/config/configSchedule';
import type { Finding } from '../../../src/core/config/findings';

const REF = join(__dirname, '../../fixtures/reference');
const nonFinite = (_k: string, v: unknown) => (v === '-Infinity' ? -Infinity : v === 'Infinity' ? Infinity : v);
const readRef = (p: string) => JSON.parse(readFileSync(join(REF, p), 'utf8'), nonFinite);
const readModel = (m: string) =>
  JSON.parse(readFileSync(join(__dirname, `../../fixtures/schedules/${m}/scheduler_config.json`), 'utf8'));
const codes = (fs: readonly Finding[]) => fs.map((f) => f.code);
const find = (fs: readonly Finding[], code: string) => fs.find((f) => f.code === code);

test('the class table has exactly diffusers 0.35.2 __init__ keys and defaults, for every class', () => {
  const defaults: Record<string, Record<string, unknown>> = {
    ...readRef('extra/schedules.json').init_defaults,
    ...readRef('diffusers-edm/edm_tcd.json').init_defaults,
  };
  assert.deepEqual(Object.keys(SCHEDULER_CLASSES).sort(), Object.keys(defaults).sort());
  for (const [cls, want] of Object.entries(defaults)) {
    const spec = SCHEDULER_CLASSES[cls];
    assert.deepEqual(Object.keys(spec.keys).sort(), Object.keys(want).sort(), `${cls} keys`);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(spec.keys[k].default, v, `${cls}.${k} default`);
    const r = readSchedulerConfig({ _class_name: cls });
    assert.deepEqual(r.config, want, `${cls} effective config from an empty file`);
    assert.ok(Object.values(r.sources).every((s) => s === 'default'));
  }
});

test('effective configs equal the full configs diffusers reports for every fixture variant', () => {
  let n = 0;
  for (const cls of Object.keys(SCHEDULER_CLASSES)) {
    const ref = readRef(`diffusers/timesteps_${cls}.json`);
    for (const [variant, full] of Object.entries(ref.variants as Record<string, Record<string, unknown>>)) {
      const given = Object.fromEntries(
        Object.entries(full).filter(([k, v]) => v !== SCHEDULER_CLASSES[cls].keys[k].default),
      );
      const r = readSchedulerConfig({ _class_name: cls, ...given });
      assert.deepEqual(r.config, full, `${cls} ${variant}`);
      assert.ok(!r.findings.some((f) => f.severity === 'error'), `${cls} ${variant}: ${codes(r.findings)}`);
      n++;
    }
  }
  assert.ok(n >= 19);
});

test("a schedule file's metadata sent as overrides is metadata there too: a hint, not a warning", () => {
  // "Generate with this schedule" sends the file whole, _diffusers_version included.
  const overrides = { _diffusers_version: '0.27.0', beta_schedul: 'linear' };
  const r = readSchedulerConfig(readModel('sd15'), undefined, overrides);
  const of = (key: string) => r.findings.filter((f) => f.path[0] === key).map((f) => [f.severity, f.message]);
  assert.deepEqual(of('_diffusers_version'), [
    ['hint', '_diffusers_version is metadata; diffusers does not pass it to PNDMScheduler'],
    ['hint', 'override _diffusers_version is metadata; diffusers does not pass it to PNDMScheduler'],
  ]);
  assert.equal(of('beta_schedul')[0][0], 'warning', 'an unknown key in overrides still warns');
});

test('shipped model configs: SD 1.5 notes its nonzero terminal SNR with leading spacing (information: the model was trained so), with the figure', () => {
  const sd15 = readSchedulerConfig(readModel('sd15'));
  assert.equal(sd15.className, 'PNDMScheduler');
  assert.equal(sd15.config.skip_prk_steps, true);
  assert.equal(sd15.sources.skip_prk_steps, 'file');
  assert.equal(sd15.sources.prediction_type, 'default');
  assert.equal(sd15.config.prediction_type, 'epsilon');
  const w = find(sd15.findings, 'nonzero-terminal-snr-leading');
  assert.equal(w?.severity, 'info');
  assert.match(w.message, /0\.00468/);
  assert.deepEqual(w.path, ['timestep_spacing']);
  assert.deepEqual(find(sd15.findings, 'private-key')?.path, ['_diffusers_version']);
  assert.equal(find(sd15.findings, 'private-key')?.severity, 'hint');
  assert.equal(find(sd15.findings, 'compatible-class-key')?.severity, 'hint');
  assert.ok(!sd15.findings.some((f) => f.severity === 'error'));
  const turbo = readSchedulerConfig(readModel('sdturbo'));
  assert.equal(find(turbo.findings, 'nonzero-terminal-snr-leading'), undefined, 'trailing spacing is fine');
  assert.equal(find(turbo.findings, 'steps-offset-ignored')?.severity, 'info');
});

test('class override reads a file as another class and keeps the file values it shares', () => {
  const r = readSchedulerConfig(readModel('sd15'), 'EulerAncestralDiscreteScheduler', { timestep_spacing: 'trailing' });
  assert.equal(r.className, 'EulerAncestralDiscreteScheduler');
  assert.equal(r.config.beta_schedule, 'scaled_linear');
  assert.equal(r.sources.beta_schedule, 'file');
  assert.equal(r.config.timestep_spacing, 'trailing');
  assert.equal(r.sources.timestep_spacing, 'override');
  assert.ok(find(r.findings, 'class-overridden'));
  // skip_prk_steps belongs to the file's own class (PNDM): dropped silently, as diffusers does.
  assert.equal(r.findings.find((f) => f.path[0] === 'skip_prk_steps')?.severity, 'hint');
  // LCM has no compatible classes, so another class's keys warn, unless the file was saved from that class.
  const lcm = readSchedulerConfig({ _class_name: 'LCMScheduler', solver_order: 2 });
  assert.equal(find(lcm.findings, 'unknown-key')?.severity, 'warning');
  assert.equal(
    readSchedulerConfig({ _class_name: 'PNDMScheduler', skip_prk_steps: true }, 'LCMScheduler').findings.find(
      (f) => f.path[0] === 'skip_prk_steps',
    )?.severity,
    'hint',
  );
});

test('wrong types, enums, ranges and unknown keys: findings with paths, defaults kept', () => {
  const r = readSchedulerConfig({
    _class_name: 'DDIMScheduler',
    num_train_timesteps: '1000',
    beta_start: -0.1,
    beta_end: 1,
    beta_schedule: 'sigmoid',
    steps_offset: 1.5,
    clip_sample: null,
    prediction_type: 'noise',
    timestep_spacing: 7,
    rescale_betas_zero_snr: 'yes',
    dynamic_thresholding_ratio: 'NaN',
    mystery: {},
  });
  const at = (k: string) => r.findings.find((f) => f.path[0] === k);
  assert.equal(at('num_train_timesteps')?.code, 'wrong-type');
  assert.equal(at('beta_start')?.code, 'out-of-range');
  assert.equal(at('beta_end')?.code, 'out-of-range');
  assert.equal(at('beta_schedule')?.code, 'unsupported-beta-schedule');
  assert.match(at('beta_schedule')!.message, /"sigmoid".*"linear"/);
  assert.equal(at('steps_offset')?.code, 'wrong-type');
  assert.equal(at('clip_sample')?.code, 'wrong-type');
  assert.equal(at('prediction_type')?.code, 'invalid-value');
  assert.equal(at('timestep_spacing')?.code, 'wrong-type');
  assert.equal(at('rescale_betas_zero_snr')?.code, 'wrong-type');
  assert.ok(r.findings.some((f) => f.path[0] === 'dynamic_thresholding_ratio' && f.code === 'out-of-range'));
  assert.equal(at('mystery')?.code, 'unknown-key');
  assert.equal(at('mystery')?.severity, 'warning');
  assert.equal(r.config.num_train_timesteps, 1000);
  assert.equal(r.sources.num_train_timesteps, 'default');
  assert.equal(r.config.beta_schedule, 'linear');
  for (const f of r.findings) assert.ok(f.message.length > 10 && typeof f.code === 'string');
});

test('Python-style non-finite numbers and deprecated spellings diffusers rewrites', () => {
  const r = readSchedulerConfig({
    _class_name: 'DPMSolverMultistepScheduler',
    lambda_min_clipped: '-Infinity',
    solver_type: 'bh2',
    algorithm_type: 'deis',
  });
  assert.equal(r.config.lambda_min_clipped, -Infinity);
  assert.equal(find(r.findings, 'non-finite-string')?.severity, 'info');
  assert.equal(r.config.solver_type, 'midpoint');
  assert.equal(r.config.algorithm_type, 'dpmsolver++');
  assert.equal(r.findings.filter((f) => f.code === 'remapped-value').length, 2);
  const old = readSchedulerConfig({ _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver' });
  assert.ok(find(old.findings, 'deprecated-value'));
  assert.equal(find(old.findings, 'final-sigmas-type-unsupported')?.severity, 'error');
  assert.equal(
    find(readSchedulerConfig({ _class_name: 'DPMSolverMultistepScheduler', solver_order: 4 }).findings, 'out-of-range')
      ?.path[0],
    'solver_order',
  );
  assert.equal(
    find(readSchedulerConfig({ _class_name: 'UniPCMultistepScheduler', solver_order: 4 }).findings, 'out-of-range'),
    undefined,
  );
  assert.match(
    find(readSchedulerConfig({ _class_name: 'UniPCMultistepScheduler', solver_order: 9 }).findings, 'out-of-range')!
      .message,
    /above the maximum 8/,
  );
});

test('cross-key findings: sigma kinds, steps_offset, zero SNR, beta range, LCM, learned variance', () => {
  const f = (json: Record<string, unknown>) => codes(readSchedulerConfig(json).findings);
  assert.ok(
    f({ _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, use_beta_sigmas: true }).includes(
      'conflicting-sigma-schedules',
    ),
  );
  assert.ok(
    f({ _class_name: 'DDIMScheduler', timestep_spacing: 'trailing', steps_offset: 1 }).includes('steps-offset-ignored'),
  );
  assert.ok(
    !f({ _class_name: 'DDIMScheduler', timestep_spacing: 'leading', steps_offset: 1 }).includes('steps-offset-ignored'),
  );
  assert.ok(
    f({
      _class_name: 'DDIMScheduler',
      rescale_betas_zero_snr: true,
      timestep_spacing: 'leading',
      prediction_type: 'v_prediction',
    }).includes('zero-snr-leading'),
  );
  assert.ok(
    f({ _class_name: 'DDIMScheduler', rescale_betas_zero_snr: true, timestep_spacing: 'trailing' }).includes(
      'zero-snr-epsilon',
    ),
  );
  assert.ok(
    !f({
      _class_name: 'DDIMScheduler',
      rescale_betas_zero_snr: true,
      timestep_spacing: 'trailing',
      prediction_type: 'v_prediction',
    }).some((c) => c.startsWith('zero-snr') || c.startsWith('nonzero')),
  );
  assert.ok(f({ _class_name: 'DDIMScheduler', beta_start: 0.02, beta_end: 0.001 }).includes('beta-range-reversed'));
  assert.ok(f({ _class_name: 'LCMScheduler', original_inference_steps: 2000 }).includes('out-of-range'));
  assert.ok(f({ _class_name: 'LCMScheduler', timestep_spacing: 'trailing' }).includes('spacing-ignored'));
  assert.ok(f({ _class_name: 'DDPMScheduler', variance_type: 'learned_range' }).includes('learned-variance'));
  assert.ok(f({ _class_name: 'UniPCMultistepScheduler', solver_p: 'x' }).includes('unsupported-value'));
});

test('trained_betas: NaN, negative, ≥ 1, wrong length, shadowed keys; huge arrays are capped, not scanned forever', () => {
  const r = readSchedulerConfig({
    _class_name: 'DDIMScheduler',
    num_train_timesteps: 4,
    beta_schedule: 'scaled_linear',
    trained_betas: [0.1, -0.2, 1, 0.5],
  });
  assert.deepEqual(
    r.findings.filter((x) => x.code === 'trained-betas-range').map((x) => x.path),
    [
      ['trained_betas', 1],
      ['trained_betas', 2],
    ],
  );
  assert.ok(find(r.findings, 'trained-betas-override'));
  const nan = readSchedulerConfig({ _class_name: 'DDIMScheduler', trained_betas: [0.1, NaN, 'x', null] });
  assert.deepEqual(
    nan.findings.filter((x) => x.code === 'wrong-type').map((x) => x.path),
    [
      ['trained_betas', 1],
      ['trained_betas', 2],
      ['trained_betas', 3],
    ],
  );
  assert.equal(nan.config.trained_betas, null, 'unusable array falls back to the default');
  const short = readSchedulerConfig({ _class_name: 'DDIMScheduler', trained_betas: [0.1, 0.2] });
  assert.equal(find(short.findings, 'trained-betas-length')?.severity, 'error');
  const manyBad = readSchedulerConfig({
    _class_name: 'DDIMScheduler',
    num_train_timesteps: 5000,
    trained_betas: new Array(5000).fill(2),
  });
  assert.ok(manyBad.findings.length <= 101, `${manyBad.findings.length} findings`);
  const huge = readSchedulerConfig({ _class_name: 'DDIMScheduler', trained_betas: new Array(3_000_000).fill(0.01) });
  assert.equal(find(huge.findings, 'array-too-long')?.severity, 'error');
  assert.equal(
    find(readSchedulerConfig({ _class_name: 'DDIMScheduler', num_train_timesteps: 1e9 }).findings, 'out-of-range')
      ?.path[0],
    'num_train_timesteps',
  );
  const ok = readSchedulerConfig({
    _class_name: 'DDIMScheduler',
    num_train_timesteps: 3,
    trained_betas: [0.1, 0.2, 0.3],
  });
  assert.deepEqual(ok.config.trained_betas, [0.1, 0.2, 0.3]);
  assert.deepEqual(Array.from(configAlphasCumprod('DDIMScheduler', ok.config)), [
    Math.fround(0.9),
    Math.fround(Math.fround(0.9) * Math.fround(0.8)),
    Math.fround(Math.fround(0.9) * Math.fround(0.8) * Math.fround(0.7)),
  ]);
});

test('class name problems and _use_default_values', () => {
  assert.deepEqual(codes(readSchedulerConfig({}).findings), ['missing-class-name']);
  assert.deepEqual(codes(readSchedulerConfig({ _class_name: 42 }).findings), ['wrong-type']);
  const unknown = readSchedulerConfig({ _class_name: 'DPMSolverSDEScheduler' });
  assert.equal(unknown.className, undefined);
  assert.match(unknown.findings[0].message, /DPMSolverSDEScheduler.*DPMSolverSinglestepScheduler/);
  assert.equal(readSchedulerConfig({}, 'NoSuchScheduler').findings[0].code, 'unknown-class');
  const r = readSchedulerConfig({
    _class_name: 'DDIMScheduler',
    steps_offset: 1,
    _use_default_values: ['steps_offset'],
  });
  assert.equal(r.config.steps_offset, 0);
  assert.equal(r.sources.steps_offset, 'default');
  assert.ok(find(r.findings, 'use-default-values'));
});

test('terminal SNR and σ range helpers follow the class (2⁻²⁴ floor for the Euler family)', () => {
  const sd = readSchedulerConfig(readModel('sd15')).config;
  assert.ok(Math.abs(terminalSnr('PNDMScheduler', sd) - 0.004682) < 1e-6);
  const range = sigmaRange('PNDMScheduler', sd);
  assert.ok(Math.abs(range.min - 0.0291675) < 1e-6 && Math.abs(range.max - 14.6146) < 1e-3);
  const zsnr = { ...sd, rescale_betas_zero_snr: true };
  assert.equal(terminalSnr('DDIMScheduler', zsnr), 0);
  assert.equal(sigmaRange('DDIMScheduler', zsnr).max, Infinity);
  assert.ok(Math.abs(sigmaRange('EulerDiscreteScheduler', zsnr).max - 4096) < 1);
});

test('fuzz: any JSON value yields a reading with findings and never throws', () => {
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const keyPool = [
    '_class_name',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '_use_default_values',
    ...new Set(Object.values(SCHEDULER_CLASSES).flatMap((c) => Object.keys(c.keys))),
    'x',
    '',
  ];
  const atoms = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e-308,
    NaN,
    Infinity,
    -Infinity,
    'NaN',
    '-Infinity',
    '',
    'linear',
    'leading',
    'EulerDiscreteScheduler',
    'LCMScheduler',
    'DDIMScheduler',
    ...Object.keys(SCHEDULER_CLASSES),
    '\u0000',
    'x'.repeat(10000),
  ];
  const value = (depth: number): unknown => {
    const r = rand();
    if (depth > 3 || r < 0.5) return pick(atoms);
    if (r < 0.7) return Array.from({ length: Math.floor(rand() * 6) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 10); i > 0; i--)
      Object.defineProperty(o, pick(keyPool), {
        value: value(depth + 1),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    return o;
  };
  let withClass = 0;
  for (let i = 0; i < 3000; i++) {
    const json = value(0);
    const override =
      rand() < 0.3 ? pick([...Object.keys(SCHEDULER_CLASSES), 'Nope', '__proto__', 'constructor']) : undefined;
    let r;
    try {
      r = readSchedulerConfig(json, override, rand() < 0.3 ? (value(1) as Record<string, unknown>) : undefined);
    } catch (e) {
      assert.fail(`threw ${(e as Error).stack} for ${JSON.stringify(json)?.slice(0, 300)} override ${override}`);
    }
    assert.ok(Array.isArray(r.findings));
    for (const f of r.findings)
      assert.ok(
        ['error', 'warning', 'info', 'hint'].includes(f.severity) &&
          typeof f.code === 'string' &&
          Array.isArray(f.path),
      );
    if (r.className === undefined)
      assert.ok(
        r.findings.some((f) => f.severity === 'error'),
        'no class without an error saying why',
      );
    else {
      withClass++;
      assert.deepEqual(Object.keys(r.config).sort(), Object.keys(SCHEDULER_CLASSES[r.className].keys).sort());
    }
  }
  assert.ok(withClass > 300, `only ${withClass} random configs named a class`);
  for (const json of [undefined, null, 0, 'x', [], [{}], () => 1, Symbol('s'), 10n]) {
    assert.ok(readSchedulerConfig(json).findings.length > 0);
  }
});
