// Table-driven bad-input suite over scheduler configs: every hostile value of every key of every
// class, and the configs issue 16 found hanging, crashing or turning into NaN schedules. Each case
// must end in an error finding at the key at fault (or a sound sampler), never an exception or hang.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../../src/core/config/findings';
import type { ConfigKeySpec } from '../../../../src/core/config/keySpecs';
import { readSchedulerConfig } from '../../../../src/core/config/readSchedulerConfig';
import { SCHEDULER_CLASSES } from '../../../../src/core/config/schedulerClasses';
import { createScheduler } from '../../../../src/core/samplers/registry';
import { assertSound, build } from './soundSchedule';

/** Values a key of this type must refuse, each with a label for the test name. */
function hostileValues(spec: ConfigKeySpec): [string, unknown][] {
  const wrongTypes: [string, unknown][] = [
    ['an object', { a: 1 }],
    ['an empty array', []],
  ];
  if (!spec.nullable) wrongTypes.push(['null', null]);
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const out: [string, unknown][] = [
        ...wrongTypes,
        ['a numeric string', '12'],
        ['true', true],
        ['the string NaN', 'NaN'],
        ['NaN', NaN],
        ['Infinity', Infinity],
        ['1e300', 1e300],
      ];
      // lambda_min_clipped takes -Infinity (no clipping), and so any very negative value.
      if (spec.minimum !== -Infinity) out.push(['-Infinity', -Infinity], ['-1e300', -1e300]);
      if (spec.type === 'number' && spec.minimum !== -Infinity) out.push(['the string -Infinity', '-Infinity']);
      if (spec.type === 'number') out.push(['the string Infinity', 'Infinity']);
      if (spec.type === 'integer') out.push(['1.5', 1.5], ['2^53 + 0.5 (not an integer once read)', 2 ** 52 + 0.5]);
      const max = spec.maximum ?? spec.exclusiveMaximum;
      if (max !== undefined && Number.isFinite(max))
        out.push([`just above the maximum ${max}`, spec.type === 'integer' ? max + 1 : max * 1.0001 + 1e-9]);
      const min = spec.minimum ?? spec.exclusiveMinimum;
      if (min !== undefined && Number.isFinite(min))
        out.push([
          `just below the minimum ${min}`,
          spec.type === 'integer' ? min - 1 : min - Math.max(Math.abs(min) * 0.01, 1e-9),
        ]);
      if (spec.exclusiveMinimum !== undefined)
        out.push([`exactly the exclusive minimum ${spec.exclusiveMinimum}`, spec.exclusiveMinimum]);
      if (spec.exclusiveMaximum !== undefined)
        out.push([`exactly the exclusive maximum ${spec.exclusiveMaximum}`, spec.exclusiveMaximum]);
      return out;
    }
    case 'boolean':
      return [...wrongTypes, ['the string "true"', 'true'], ['1', 1], ['0', 0], ['the string "yes"', 'yes']];
    case 'string': {
      const out: [string, unknown][] = [...wrongTypes, ['a number', 1], ['true', true]];
      if (spec.enum)
        out.push(
          ['an empty string', ''],
          ['a wrong case', spec.enum[0].toUpperCase() + 'X'],
          ['100 kB of text', 'x'.repeat(100_000)],
        );
      return out;
    }
    case 'number[]':
    case 'integer[]':
      return [
        ['a string', 'abc'],
        ['an object', { 0: 0.1 }],
        ['a number', 0.5],
        ['an array holding null', [null]],
        ['an array holding a string', ['0.1']],
        ['an array holding an array', [[0.1]]],
        ['an array holding NaN', [NaN]],
      ];
  }
}

const LCM_STEPS = { original_inference_steps: 50 };

describe('every hostile value of every key of every class is an error finding at that key', () => {
  for (const [className, cls] of Object.entries(SCHEDULER_CLASSES)) {
    for (const [key, spec] of Object.entries(cls.keys)) {
      for (const [label, value] of hostileValues(spec)) {
        test(`${className}.${key} = ${label}`, () => {
          const outcome = build({
            _class_name: className,
            ...(className === 'LCMScheduler' ? LCM_STEPS : {}),
            [key]: value,
          });
          assert.equal(outcome.kind, 'refused');
          const at = (outcome as { errors: Finding[] }).errors.filter((f) => f.path[0] === key);
          assert.ok(at.length > 0, `no error at ${key}: ${JSON.stringify(outcome)}`);
          assert.ok(
            at.every((f) => f.message.includes(key)),
            `the message names ${key}: ${at.map((f) => f.message)}`,
          );
        });
      }
    }
  }
});

/** [name, config, key the error must be at]. The first rows are the ones issue 16 measured. */
const NAMED: [string, Record<string, unknown>, string][] = [
  [
    'UniPC solver_order 1e9 (hung past 60 s)',
    { _class_name: 'UniPCMultistepScheduler', solver_order: 1e9 },
    'solver_order',
  ],
  [
    'UniPC solver_order 1e6 (7.9 s for 2 steps)',
    { _class_name: 'UniPCMultistepScheduler', solver_order: 1e6 },
    'solver_order',
  ],
  [
    'UniPC solver_order 16 (overflows float32)',
    { _class_name: 'UniPCMultistepScheduler', solver_order: 16 },
    'solver_order',
  ],
  [
    'Karras sigma_max "Infinity"',
    { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, sigma_max: 'Infinity' },
    'sigma_max',
  ],
  [
    'exponential sigma_max 1e300',
    { _class_name: 'EulerDiscreteScheduler', use_exponential_sigmas: true, sigma_max: 1e300 },
    'sigma_max',
  ],
  [
    'trained_betas all 0',
    { _class_name: 'EulerDiscreteScheduler', trained_betas: new Array(1000).fill(0) },
    'trained_betas',
  ],
  [
    'trained_betas all 0 (DDIM)',
    { _class_name: 'DDIMScheduler', trained_betas: new Array(1000).fill(0) },
    'trained_betas',
  ],
  [
    'trained_betas all 0.9999',
    { _class_name: 'EulerDiscreteScheduler', trained_betas: new Array(1000).fill(0.9999) },
    'trained_betas',
  ],
  [
    'trained_betas all 0.9999 (DPM-Solver)',
    { _class_name: 'DPMSolverMultistepScheduler', trained_betas: new Array(1000).fill(0.9999) },
    'trained_betas',
  ],
  [
    'trained_betas of 1e-9 (round to 0 in float32)',
    { _class_name: 'LMSDiscreteScheduler', trained_betas: new Array(1000).fill(1e-9) },
    'trained_betas',
  ],
  [
    'trained_betas with 1',
    { _class_name: 'DDPMScheduler', trained_betas: [...new Array(999).fill(0.01), 1] },
    'trained_betas',
  ],
  [
    'trained_betas negative',
    { _class_name: 'DDPMScheduler', trained_betas: [...new Array(999).fill(0.01), -0.1] },
    'trained_betas',
  ],
  ['trained_betas the wrong length', { _class_name: 'DDPMScheduler', trained_betas: [0.01, 0.02] }, 'trained_betas'],
  [
    'num_train_timesteps 100000',
    { _class_name: 'EulerDiscreteScheduler', num_train_timesteps: 100000 },
    'num_train_timesteps',
  ],
  ['num_train_timesteps 1e9', { _class_name: 'DDIMScheduler', num_train_timesteps: 1e9 }, 'num_train_timesteps'],
  ['num_train_timesteps 1', { _class_name: 'LMSDiscreteScheduler', num_train_timesteps: 1 }, 'num_train_timesteps'],
  [
    'num_train_timesteps 10000 with linear β (ᾱ underflows)',
    { _class_name: 'EulerDiscreteScheduler', num_train_timesteps: 10000 },
    'num_train_timesteps',
  ],
  ['beta_end 0.9999 (ᾱ underflows)', { _class_name: 'DDIMScheduler', beta_end: 0.9999 }, 'beta_end'],
  ['beta_start 1e-9 (σ(0) = 0)', { _class_name: 'EulerDiscreteScheduler', beta_start: 1e-9 }, 'beta_start'],
  ['beta_start 0', { _class_name: 'EulerDiscreteScheduler', beta_start: 0 }, 'beta_start'],
  ['beta_end 1', { _class_name: 'EulerDiscreteScheduler', beta_end: 1 }, 'beta_end'],
  ['LCM timestep_scaling Infinity', { _class_name: 'LCMScheduler', timestep_scaling: Infinity }, 'timestep_scaling'],
  [
    'LCM timestep_scaling "Infinity"',
    { _class_name: 'LCMScheduler', timestep_scaling: 'Infinity' },
    'timestep_scaling',
  ],
  ['LCM timestep_scaling 1e300', { _class_name: 'LCMScheduler', timestep_scaling: 1e300 }, 'timestep_scaling'],
  [
    'LCM original_inference_steps above T',
    { _class_name: 'LCMScheduler', num_train_timesteps: 100, original_inference_steps: 200 },
    'original_inference_steps',
  ],
  [
    'Karras sigma_min 100 > sigma_max 1',
    { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, sigma_min: 100, sigma_max: 1 },
    'sigma_min',
  ],
  [
    'exponential sigma_min = sigma_max',
    { _class_name: 'EulerDiscreteScheduler', use_exponential_sigmas: true, sigma_min: 5, sigma_max: 5 },
    'sigma_min',
  ],
  [
    'beta sigma_min above the training σ_max',
    { _class_name: 'EulerDiscreteScheduler', use_beta_sigmas: true, sigma_min: 200 },
    'sigma_min',
  ],
  [
    'Karras sigma_max below the training σ_min',
    { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, sigma_max: 0.001 },
    'sigma_max',
  ],
  [
    'sigma_min below the training σ_min with final_sigmas_type sigma_min',
    { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, sigma_min: 1e-4, final_sigmas_type: 'sigma_min' },
    'sigma_min',
  ],
  ['sigma_min 1e-9', { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, sigma_min: 1e-9 }, 'sigma_min'],
  [
    'sigma_min negative',
    { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, sigma_min: -1 },
    'sigma_min',
  ],
  [
    'two sigma kinds',
    { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, use_exponential_sigmas: true },
    'use_exponential_sigmas',
  ],
  [
    'steps_offset 1000 with leading spacing',
    { _class_name: 'DDIMScheduler', timestep_spacing: 'leading', steps_offset: 1000 },
    'steps_offset',
  ],
  ['steps_offset 1e9', { _class_name: 'PNDMScheduler', steps_offset: 1e9 }, 'steps_offset'],
  ['steps_offset -1', { _class_name: 'PNDMScheduler', steps_offset: -1 }, 'steps_offset'],
  [
    'lambda_min_clipped 10 clips every timestep',
    { _class_name: 'DPMSolverMultistepScheduler', lambda_min_clipped: 10 },
    'lambda_min_clipped',
  ],
  [
    'lambda_min_clipped Infinity',
    { _class_name: 'DPMSolverMultistepScheduler', lambda_min_clipped: Infinity },
    'lambda_min_clipped',
  ],
  [
    'rescale_betas_zero_snr over 9937 timesteps (ᾱ under the 2⁻²⁴ floor)',
    {
      _class_name: 'EulerAncestralDiscreteScheduler',
      num_train_timesteps: 9937,
      beta_schedule: 'scaled_linear',
      rescale_betas_zero_snr: true,
    },
    'rescale_betas_zero_snr',
  ],
  ['DPM-Solver solver_order 4', { _class_name: 'DPMSolverMultistepScheduler', solver_order: 4 }, 'solver_order'],
  ['DEIS solver_order 0', { _class_name: 'DEISMultistepScheduler', solver_order: 0 }, 'solver_order'],
  [
    'dynamic_thresholding_ratio 0',
    { _class_name: 'DDPMScheduler', dynamic_thresholding_ratio: 0 },
    'dynamic_thresholding_ratio',
  ],
  ['clip_sample_range 0', { _class_name: 'DDIMScheduler', clip_sample_range: 0 }, 'clip_sample_range'],
  ['sample_max_value Infinity', { _class_name: 'DDIMScheduler', sample_max_value: 'Infinity' }, 'sample_max_value'],
  ['unknown beta_schedule', { _class_name: 'DDIMScheduler', beta_schedule: 'cosine' }, 'beta_schedule'],
  ['beta_schedule of another class', { _class_name: 'DDIMScheduler', beta_schedule: 'sigmoid' }, 'beta_schedule'],
  [
    'trained_betas with 200000 values',
    { _class_name: 'DDPMScheduler', trained_betas: new Array(200000).fill(0.01) },
    'trained_betas',
  ],
  ['_class_name a number', { _class_name: 42 }, '_class_name'],
  ['_class_name "Object"', { _class_name: 'Object' }, '_class_name'],
  ['_class_name "__proto__"', { _class_name: '__proto__' }, '_class_name'],
  ['_class_name "toString"', { _class_name: 'toString' }, '_class_name'],
  ['_class_name of an unimplemented class', { _class_name: 'FlowMatchEulerDiscreteScheduler' }, '_class_name'],
];

describe('issue 16 and more: hostile configs give an error at the key that causes them', () => {
  for (const [name, config, key] of NAMED) {
    test(name, () => {
      const started = Date.now();
      const outcome = build(config);
      assert.equal(outcome.kind, 'refused', name);
      const errors = (outcome as { errors: Finding[] }).errors;
      assert.ok(
        errors.some((f) => f.path[0] === key),
        `${name}: no error at ${key}: ${JSON.stringify(errors)}`,
      );
      assert.ok(Date.now() - started < 2000, 'hang guard');
    });
  }
});

describe('a scheduler config that is not an object is an error at the root, not ignored', () => {
  const notObjects: [string, unknown][] = [
    ['[1,2,3]', [1, 2, 3]],
    ['null', null],
    ['[]', []],
    ['42', 42],
    ['"text"', 'text'],
    ['true', true],
    ['undefined', undefined],
  ];
  for (const [label, json] of notObjects) {
    test(label, () => {
      const outcome = build(json);
      assert.equal(outcome.kind, 'refused');
      const f = (outcome as { errors: Finding[] }).errors.find((x) => x.code === 'not-an-object');
      assert.deepEqual(f?.path, []);
      assert.match(f.message, /must be a JSON object/);
    });
  }
});

describe('misspelt keys warn and suggest the key meant', () => {
  const typos: [string, string, string][] = [
    ['EulerDiscreteScheduler', 'use_karas_sigmas', 'use_karras_sigmas'],
    ['EulerDiscreteScheduler', 'Use_Karras_Sigmas', 'use_karras_sigmas'],
    ['EulerDiscreteScheduler', 'use_karrassigmas', 'use_karras_sigmas'],
    ['DDIMScheduler', 'timestep_spaceing', 'timestep_spacing'],
    ['DDIMScheduler', 'num_train_timestep', 'num_train_timesteps'],
    ['DDIMScheduler', 'beta_shedule', 'beta_schedule'],
    ['DDIMScheduler', 'prediciton_type', 'prediction_type'],
    ['DDIMScheduler', 'clip_smaple', 'clip_sample'],
    ['UniPCMultistepScheduler', 'solver_ordre', 'solver_order'],
    ['UniPCMultistepScheduler', 'lower_order_finale', 'lower_order_final'],
    ['DPMSolverMultistepScheduler', 'algorithm-type', 'algorithm_type'],
    ['DPMSolverMultistepScheduler', 'use_lu_lambda', 'use_lu_lambdas'],
    ['LCMScheduler', 'original_inference_step', 'original_inference_steps'],
    ['LCMScheduler', 'timestep_scalling', 'timestep_scaling'],
    ['PNDMScheduler', 'skip_prk_step', 'skip_prk_steps'],
    ['EulerDiscreteScheduler', 'final_sigma_type', 'final_sigmas_type'],
  ];
  for (const [className, typo, meant] of typos) {
    test(`${className}: ${typo}`, () => {
      const f = readSchedulerConfig({ _class_name: className, [typo]: true }).findings.find((x) => x.path[0] === typo);
      assert.equal(f?.severity, 'warning');
      assert.equal(f?.code, 'unknown-key');
      assert.match(f.message, new RegExp(`Did you mean ${meant}\\?$`));
    });
  }
  test('a key far from every real key gets no suggestion', () => {
    for (const key of ['eta', 'xyz', 'guidance_scale', 'k'.repeat(100_000)]) {
      const f = readSchedulerConfig({ _class_name: 'EulerDiscreteScheduler', [key]: 1 }).findings.find(
        (x) => x.path[0] === key,
      );
      assert.equal(f?.code, 'unknown-key');
      assert.doesNotMatch(f.message, /Did you mean/);
    }
  });
  test('an override with a typo suggests too', () => {
    const { findings } = createScheduler({ _class_name: 'EulerDiscreteScheduler' }, { use_karas_sigmas: true });
    assert.match(findings.find((f) => f.path[0] === 'use_karas_sigmas')!.message, /Did you mean use_karras_sigmas\?/);
  });
});

describe('hostile shapes: never a throw, never a hang', () => {
  const manyKeys = () =>
    Object.fromEntries([['_class_name', 'DDIMScheduler'], ...Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])]);
  const deep = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };
  const cases: [string, () => unknown][] = [
    ['a value nested 3,000 objects deep under an unknown key', () => ({ _class_name: 'DDIMScheduler', x: deep(3000) })],
    [
      'a value nested 100,000 objects deep under a known key',
      () => ({ _class_name: 'DDIMScheduler', beta_start: deep(100_000) }),
    ],
    [
      'trained_betas nested 3,000 arrays deep',
      () => {
        let v: unknown = [0.1];
        for (let i = 0; i < 3000; i++) v = [v];
        return { _class_name: 'DDIMScheduler', trained_betas: v };
      },
    ],
    ['10,000 unknown keys', () => manyKeys()],
    ['a 1 MB key', () => ({ _class_name: 'DDIMScheduler', ['q'.repeat(1 << 20)]: 1 })],
    ['a 1 MB _class_name', () => ({ _class_name: 'D'.repeat(1 << 20) })],
    [
      '__proto__ and constructor keys',
      () => JSON.parse('{"_class_name":"DDIMScheduler","__proto__":{"polluted":1},"constructor":1,"hasOwnProperty":2}'),
    ],
    ['_use_default_values not an array', () => ({ _class_name: 'DDIMScheduler', _use_default_values: 'beta_start' })],
    [
      '_use_default_values of 100,000 names',
      () => ({ _class_name: 'DDIMScheduler', _use_default_values: Array.from({ length: 100_000 }, (_, i) => `k${i}`) }),
    ],
    ['a frozen object', () => Object.freeze({ _class_name: 'DDIMScheduler', beta_start: 0.001 })],
    [
      'a getter among the keys',
      () => ({
        _class_name: 'DDIMScheduler',
        get beta_start() {
          return 0.001;
        },
      }),
    ],
    ['a class instance', () => new Date(0)],
    ['a Map', () => new Map([['_class_name', 'DDIMScheduler']])],
  ];
  for (const [name, make] of cases) {
    test(name, () => {
      const json = make();
      const started = Date.now();
      const outcome = build(json);
      if (outcome.kind === 'built') assertSound(outcome.scheduler);
      assert.ok(Date.now() - started < 2000, 'hang guard');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }
  test('10,000 unknown keys are summarised after 100 findings', () => {
    const r = readSchedulerConfig(manyKeys());
    assert.equal(r.findings.length, 101);
    assert.equal(r.findings.at(-1)!.code, 'too-many-findings');
  });
});

describe('sound edge configs still build, and their schedules are finite and descending', () => {
  const sound: [string, Record<string, unknown>][] = [
    ['UniPC solver_order 8', { _class_name: 'UniPCMultistepScheduler', solver_order: 8 }],
    ['num_train_timesteps 2', { _class_name: 'DDIMScheduler', num_train_timesteps: 2 }],
    [
      'num_train_timesteps 10000 with small β',
      { _class_name: 'DDIMScheduler', num_train_timesteps: 10000, beta_end: 0.002 },
    ],
    [
      'cosine over 4000 timesteps',
      { _class_name: 'EulerDiscreteScheduler', num_train_timesteps: 4000, beta_schedule: 'squaredcos_cap_v2' },
    ],
    [
      'Karras from 0.002 to 80 (EDM range)',
      { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, sigma_min: 0.03, sigma_max: 14 },
    ],
    [
      'zero terminal SNR, trailing, v-prediction',
      {
        _class_name: 'EulerDiscreteScheduler',
        rescale_betas_zero_snr: true,
        timestep_spacing: 'trailing',
        prediction_type: 'v_prediction',
      },
    ],
    [
      'zero terminal SNR DDIM',
      {
        _class_name: 'DDIMScheduler',
        rescale_betas_zero_snr: true,
        timestep_spacing: 'trailing',
        prediction_type: 'v_prediction',
      },
    ],
    [
      'lambda_min_clipped -5.1 (cosine)',
      { _class_name: 'DPMSolverMultistepScheduler', beta_schedule: 'squaredcos_cap_v2', lambda_min_clipped: -5.1 },
    ],
    ['LCM timestep_scaling 1e6', { _class_name: 'LCMScheduler', timestep_scaling: 1e6 }],
    [
      'trailing 14 steps of 17 timesteps',
      { _class_name: 'EulerAncestralDiscreteScheduler', num_train_timesteps: 17, timestep_spacing: 'trailing' },
    ],
    [
      '"-Infinity" lambda_min_clipped (Python json)',
      { _class_name: 'DPMSolverMultistepScheduler', lambda_min_clipped: '-Infinity' },
    ],
  ];
  for (const [name, config] of sound) {
    test(name, () => {
      const outcome = build(config);
      assert.equal(outcome.kind, 'built', JSON.stringify(outcome));
      assertSound((outcome as { scheduler: Parameters<typeof assertSound>[0] }).scheduler);
    });
  }
});
