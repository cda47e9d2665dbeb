// Property-based bad-input tests (fast-check) over scheduler configs: for random keys, values and
// types, per class, createScheduler never throws and either builds a sampler whose schedules are
// finite and descending for 1..50 steps, or returns an error finding with a path and a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ConfigKeySpec } from '../../../../src/core/config/keySpecs';
import { readSchedulerConfig } from '../../../../src/core/config/readSchedulerConfig';
import { SCHEDULER_CLASSES } from '../../../../src/core/config/schedulerClasses';
import { readScheduleDocument } from '../../../../src/documents/scheduleDocument';
import { assertSound, build } from './soundSchedule';

/** Fixed seed: a failure reproduces; fast-check prints the shrunk counterexample. */
const RUNS = { numRuns: 100, seed: 16, includeErrorInReport: true };
/** Hang guard per config (build + 50 setTimesteps); a config costs a few ms. */
const HANG_MS = 2000;

const hostileNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, -1, 1, 1e-300, 1e300, 1e9, 100000, 0.9999, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.constantFrom('Infinity', '-Infinity', 'NaN', '1e3', ''),
);
const hostileValue = fc.oneof(
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
);

/** Mostly values a key accepts (so schedules get built and checked), sometimes anything at all. */
function valueFor(spec: ConfigKeySpec): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: plausible(spec), weight: 12 },
    { arbitrary: fc.constant(spec.default), weight: 6 },
    { arbitrary: hostileValue, weight: 1 },
  );
}

function plausible(spec: ConfigKeySpec): fc.Arbitrary<unknown> {
  if (spec.enum) return fc.constantFrom(...spec.enum, ...Object.keys(spec.remap ?? {}));
  const lo = Math.max(spec.minimum ?? spec.exclusiveMinimum ?? -10, -1e6);
  const hi = Math.min(spec.maximum ?? spec.exclusiveMaximum ?? 1e4, 1e6);
  const ints = (min: number, max: number) => fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  switch (spec.type) {
    case 'boolean': // Mostly false: several true sigma kinds conflict, which would refuse most configs.
      return fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 });
    case 'integer':
      return fc.oneof(
        { arbitrary: ints(Math.max(lo, 0), Math.min(hi, 20)), weight: 3 },
        { arbitrary: ints(lo, hi), weight: 1 },
      );
    case 'number': {
      // Mostly near the default (within a factor 4), sometimes anywhere in range.
      const d =
        typeof spec.default === 'number' && Number.isFinite(spec.default) && spec.default > 0 ? spec.default : 1;
      const near = fc.double({
        min: Math.max(lo, d / 4),
        max: Math.min(hi, d * 4),
        noNaN: true,
        noDefaultInfinity: true,
      });
      return fc.oneof(
        { arbitrary: near, weight: 4 },
        { arbitrary: fc.double({ min: lo, max: hi, noNaN: true }), weight: 1 },
      );
    }
    case 'number[]': // trained_betas: its own property below gives it arrays of the right length.
      return fc.constant(null);
    case 'integer[]':
      return fc.array(fc.nat(60), { maxLength: 5 });
    case 'string':
      return fc.string({ maxLength: 12 });
  }
}

for (const [className, cls] of Object.entries(SCHEDULER_CLASSES)) {
  const config = fc.record(Object.fromEntries(Object.entries(cls.keys).map(([k, spec]) => [k, valueFor(spec)])), {
    requiredKeys: [],
  });

  test(`${className}: random configs build a sound sampler or give an error finding, never throw`, () => {
    let built = 0;
    fc.assert(
      fc.property(config, (keys) => {
        const started = Date.now();
        const outcome = build({ _class_name: className, ...keys });
        if (outcome.kind === 'built') {
          assertSound(outcome.scheduler);
          built++;
        }
        assert.ok(Date.now() - started < HANG_MS, 'hang guard');
      }),
      RUNS,
    );
    // The generator must reach sound configs, not only refusals (DPM-Solver, with the most options
    // this port refuses, builds a few in a hundred; the others a third or more).
    assert.ok(built >= RUNS.numRuns / 50, `only ${built} of ${RUNS.numRuns} configs built`);
  });

  test(`${className}: unknown keys of any name and value are warnings at their path`, () => {
    const extra = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !k.startsWith('_') && !Object.hasOwn(cls.keys, k)),
      hostileValue,
      { minKeys: 1, maxKeys: 5 },
    );
    fc.assert(
      fc.property(extra, (keys) => {
        const r = readSchedulerConfig({ _class_name: className, ...keys });
        for (const k of Object.keys(keys)) {
          const f = r.findings.find((x) => x.path.length === 1 && x.path[0] === k);
          assert.ok(f && f.severity !== 'error', `${k}: ${JSON.stringify(f)}`);
        }
        assert.ok(!r.findings.some((f) => f.severity === 'error'), JSON.stringify(r.findings));
      }),
      RUNS,
    );
  });

  test(`${className}: a key with one letter dropped, doubled or swapped suggests the real key`, () => {
    const typo = fc
      .tuple(fc.constantFrom(...Object.keys(cls.keys)), fc.nat(), fc.constantFrom('drop', 'double', 'swap'))
      .map(([key, at, how]) => {
        const i = 1 + (at % (key.length - 2));
        const misspelt =
          how === 'drop'
            ? key.slice(0, i) + key.slice(i + 1)
            : how === 'double'
              ? key.slice(0, i) + key[i] + key.slice(i)
              : key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
        return { key, misspelt };
      });
    fc.assert(
      fc.property(typo, ({ key, misspelt }) => {
        fc.pre(misspelt !== key && !Object.hasOwn(cls.keys, misspelt) && key.length >= 6);
        const f = readSchedulerConfig({ _class_name: className, [misspelt]: 1 }).findings.find(
          (x) => x.path[0] === misspelt,
        );
        assert.equal(f?.code, 'unknown-key');
        assert.equal(f?.severity, 'warning');
        // The nearest key may be another one equally close (beta_end/beta_start); it must be a real key.
        const suggested = /Did you mean (\w+)\?/.exec(f.message)?.[1];
        assert.ok(suggested && Object.hasOwn(cls.keys, suggested), f.message);
      }),
      RUNS,
    );
  });
}

test('trained_betas of the right length, any values in [0, 1): a sound sampler or an error at trained_betas', () => {
  const betas = fc
    .integer({ min: 2, max: 300 })
    .chain((T) =>
      fc.tuple(
        fc.constant(T),
        fc.array(
          fc.oneof(
            fc.double({ min: 0, max: 0.05, noNaN: true }),
            fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          ),
          { minLength: T, maxLength: T },
        ),
      ),
    );
  fc.assert(
    fc.property(
      // IPNDM's trained_betas are its own per-step schedule, not training β (samplers.classes.test.ts).
      fc.constantFrom(...Object.keys(SCHEDULER_CLASSES).filter((c) => !SCHEDULER_CLASSES[c].ownSchedule)),
      betas,
      fc.boolean(),
      (className, [T, trained], sorted) => {
        const trained_betas = sorted ? [...trained].sort((a, b) => a - b) : trained;
        const distilled = ['LCMScheduler', 'TCDScheduler'].includes(className);
        const lcm = distilled ? { original_inference_steps: Math.min(50, T) } : {};
        const outcome = build({ _class_name: className, num_train_timesteps: T, trained_betas, ...lcm });
        if (outcome.kind === 'built') assertSound(outcome.scheduler);
        else
          assert.ok(
            outcome.errors.some((f) => f.path[0] === 'trained_betas'),
            JSON.stringify(outcome.errors),
          );
      },
    ),
    { ...RUNS, numRuns: 300 },
  );
});

test('any JSON value at all, as a config or as overrides: findings, never an exception', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 2 }), (json, overrides) => {
      const outcome = build(json, overrides as Record<string, unknown>);
      if (outcome.kind === 'built') assertSound(outcome.scheduler);
    }),
    { ...RUNS, numRuns: 400 },
  );
});

test('the schedule document reader never throws on any text, nested however deep', () => {
  const nested = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `{"_class_name":"DDIMScheduler","x":${open.repeat(depth)}1${close.repeat(depth)}}`;
  });
  const text = fc.oneof(
    nested,
    fc.json({ maxDepth: 6 }),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ':', ',', '1') }),
  );
  fc.assert(
    fc.property(text, fc.constantFrom('config' as const, 'scheduleFile' as const), (t, kind) => {
      const doc = readScheduleDocument(t, kind, 'x');
      for (const f of doc.findings)
        assert.ok(f.offset >= 0 && f.offset <= t.length && f.message.length > 0, JSON.stringify(f));
      if (doc.schedules.length === 0) assert.ok(doc.error && doc.error.length > 0);
    }),
    { ...RUNS, numRuns: 300 },
  );
});
