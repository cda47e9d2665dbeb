// Training schedules, spacing and sigma schedules against diffusers 0.35.2 (and scipy for the beta
// quantile). diffusers stores these in float32; the core reproduces those float32 values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { f32, numpyLinspace, roundHalfEven, torchLinspaceF32 } from '../../../src/core/schedules/float32';
import { trainingBetas, type BetaSchedule } from '../../../src/core/schedules/trainingBetas';
import { alphasCumprod } from '../../../src/core/schedules/alphasCumprod';
import { rescaleZeroTerminalSnr } from '../../../src/core/schedules/zeroTerminalSnr';
import { logSnr, sigmasFromAlphasCumprod, snr } from '../../../src/core/schedules/noiseLevels';
import {
  spacedTimesteps,
  type SpacingOptions,
  type TimestepSpacing,
} from '../../../src/core/schedules/timestepSpacing';
import { betaSigmas, exponentialSigmas, karrasSigmas } from '../../../src/core/schedules/sigmaSchedules';
import { interpolateAt, sigmaToTimestep } from '../../../src/core/schedules/sigmaToTimestep';
import { betaQuantile, regularizedIncompleteBeta } from '../../../src/core/schedules/betaQuantile';

const REF = join(__dirname, '../../fixtures/reference');
const readJson = (p: string) =>
  JSON.parse(readFileSync(join(REF, p), 'utf8'), (_k, v) =>
    v === '-Infinity' ? -Infinity : v === 'Infinity' ? Infinity : v,
  );

type Config = Record<string, any>;
interface TimestepCase {
  variant: string;
  timestep_spacing: TimestepSpacing;
  num_inference_steps: number;
  timesteps: number[];
  sigmas?: number[];
}

function assertRel(actual: ArrayLike<number>, expected: readonly number[], rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const ok = e === actual[i] || Math.abs(actual[i] - e) <= rel * Math.abs(e);
    assert.ok(ok, `${what}[${i}]: ${actual[i]} vs ${e}`);
  }
}

function alphasCumprodFor(c: Config): Float64Array {
  const betas = trainingBetas({
    numTrainTimesteps: c.num_train_timesteps,
    betaStart: c.beta_start,
    betaEnd: c.beta_end,
    betaSchedule: c.beta_schedule as BetaSchedule,
  });
  return alphasCumprod(c.rescale_betas_zero_snr ? rescaleZeroTerminalSnr(betas) : betas);
}

test('training betas and ᾱ are bit-identical to diffusers for every schedule, with and without zero SNR', () => {
  const ref = readJson('diffusers/schedules.json');
  assert.equal(ref.cases.length, 6);
  for (const c of ref.cases) {
    const what = `${c.beta_schedule}${c.rescale_betas_zero_snr ? '+zsnr' : ''}`;
    let betas = trainingBetas({
      numTrainTimesteps: c.num_train_timesteps,
      betaStart: c.beta_start,
      betaEnd: c.beta_end,
      betaSchedule: c.beta_schedule,
    });
    if (c.rescale_betas_zero_snr) betas = rescaleZeroTerminalSnr(betas);
    assert.deepEqual(Array.from(betas), c.betas, `${what} betas`);
    assert.deepEqual(Array.from(alphasCumprod(betas)), c.alphas_cumprod, `${what} ᾱ`);
    if (c.rescale_betas_zero_snr) assert.equal(alphasCumprod(betas)[999], 0, 'zero terminal SNR');
  }
});

test('sigmoid (DDPM) and exp (Heun) betas match diffusers', () => {
  for (const c of readJson('extra/schedules.json').training_betas) {
    const betas = trainingBetas({
      numTrainTimesteps: c.num_train_timesteps,
      betaStart: c.beta_start ?? 0.0001,
      betaEnd: c.beta_end ?? 0.02,
      betaSchedule: c.beta_schedule,
    });
    assertRel(betas, c.betas, 1e-6, c.beta_schedule);
  }
});

test('trained_betas win over beta_schedule and are stored as float32', () => {
  const betas = trainingBetas({
    numTrainTimesteps: 3,
    betaStart: 0.1,
    betaEnd: 0.2,
    betaSchedule: 'linear',
    trainedBetas: [0.1, 0.2, 0.3],
  });
  assert.deepEqual(Array.from(betas), [f32(0.1), f32(0.2), f32(0.3)]);
  assert.notEqual(betas[0], 0.1);
});

test('torch.linspace emulation: ends exact, float32 values, symmetric fill', () => {
  const v = torchLinspaceF32(0.1, 0.7, 1010);
  assert.equal(v[0], f32(0.1));
  assert.equal(v[1009], f32(0.7));
  for (const x of v) assert.equal(x, f32(x));
  assert.deepEqual(Array.from(torchLinspaceF32(3, 5, 1)), [3]);
});

test('numpy helpers: linspace with one point gives its start; rounding is half-to-even', () => {
  assert.deepEqual(Array.from(numpyLinspace(0, 999, 1)), [0]);
  assert.deepEqual(Array.from(numpyLinspace(0, 1, 3)), [0, 0.5, 1]);
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 937.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -0, -2, 938, 2, 3]);
});

/** How each class spaces its timesteps in diffusers (set_timesteps), as spacedTimesteps options. */
const SPACING_STYLE: Record<string, Partial<SpacingOptions>> = {
  DDPMScheduler: {},
  DDIMScheduler: {},
  EulerDiscreteScheduler: { roundLinspace: false },
  EulerAncestralDiscreteScheduler: { roundLinspace: false },
  LMSDiscreteScheduler: { roundLinspace: false },
  DPMSolverMultistepScheduler: { extraPoint: true },
  UniPCMultistepScheduler: { extraPoint: true },
  DEISMultistepScheduler: { extraPoint: true },
};

test('timestep spacing (leading / trailing / linspace, steps_offset) matches every class that uses it directly', () => {
  let compared = 0;
  for (const [cls, style] of Object.entries(SPACING_STYLE)) {
    const ref = readJson(`diffusers/timesteps_${cls}.json`);
    for (const c of ref.cases as TimestepCase[]) {
      if (c.variant === 'karras') continue; // Karras timesteps come from σ, tested below.
      const v = ref.variants[c.variant];
      const ts = spacedTimesteps({
        ...style,
        spacing: c.timestep_spacing,
        numInferenceSteps: c.num_inference_steps,
        numTrainTimesteps: v.num_train_timesteps,
        stepsOffset: v.steps_offset,
      });
      assert.deepEqual(
        Array.from(ts),
        c.timesteps,
        `${cls} ${c.variant} ${c.timestep_spacing} N=${c.num_inference_steps}`,
      );
      compared++;
    }
  }
  assert.ok(compared >= 150, `compared ${compared} cases`);
});

test('trailing spacing for N that does not divide T rounds halves to even, like numpy', () => {
  // 1000/16 = 62.5 puts values on halves: 937.5 → 938 but 812.5 → 812 and 62.5 → 62 (Math.round: 813, 63).
  const ts = spacedTimesteps({ spacing: 'trailing', numInferenceSteps: 16, numTrainTimesteps: 1000 });
  assert.equal(ts.length, 16);
  assert.equal(ts[1], 937);
  assert.equal(ts[3], 811);
  assert.equal(ts[15], 61);
});

/** σ table of the Euler family: float32 σ per training step; zero SNR sets ᾱ_T = 2⁻²⁴ as diffusers does. */
function eulerSigmaTable(v: Config): Float64Array {
  const abar = alphasCumprodFor(v);
  if (v.rescale_betas_zero_snr) abar[abar.length - 1] = 2 ** -24;
  return sigmasFromAlphasCumprod(abar);
}

test('Euler σ: interpolated at the spaced timesteps, every variant and spacing (zero SNR reaches σ ≈ 4096)', () => {
  const ref = readJson('diffusers/timesteps_EulerDiscreteScheduler.json');
  let maxSigma = 0;
  for (const c of ref.cases as TimestepCase[]) {
    if (c.variant === 'karras') continue;
    const v = ref.variants[c.variant];
    const table = eulerSigmaTable(v);
    const ts = spacedTimesteps({
      spacing: c.timestep_spacing,
      numInferenceSteps: c.num_inference_steps,
      numTrainTimesteps: 1000,
      stepsOffset: v.steps_offset,
      roundLinspace: false,
    });
    const sigmas = [...Array.from(ts, (t) => f32(interpolateAt(t, table))), 0];
    assertRel(sigmas, c.sigmas!, 1e-6, `euler ${c.variant} ${c.timestep_spacing} N=${c.num_inference_steps}`);
    maxSigma = Math.max(maxSigma, sigmas[0]);
  }
  assert.ok(Math.abs(maxSigma - 4096) < 1, `zero-SNR σ_max ${maxSigma}`);
});

test('Karras σ and their timesteps match Euler (fractional) and DPM-Solver (rounded)', () => {
  for (const [cls, round] of [
    ['EulerDiscreteScheduler', false],
    ['DPMSolverMultistepScheduler', true],
  ] as const) {
    const ref = readJson(`diffusers/timesteps_${cls}.json`);
    const table = eulerSigmaTable(ref.variants.karras);
    const logSigmas = table.map((s) => f32(Math.log(s)));
    const cases = (ref.cases as TimestepCase[]).filter((c) => c.variant === 'karras');
    assert.equal(cases.length, 12);
    for (const c of cases) {
      const n = c.num_inference_steps;
      // Euler takes σ range from its interpolated schedule, DPM-Solver from the whole table.
      let lo = table[0];
      let hi = table[999];
      if (!round) {
        const ts = spacedTimesteps({
          spacing: c.timestep_spacing,
          numInferenceSteps: n,
          numTrainTimesteps: 1000,
          stepsOffset: 1,
          roundLinspace: false,
        });
        hi = f32(interpolateAt(ts[0], table));
        lo = f32(interpolateAt(ts[n - 1], table));
      }
      const sigmas = karrasSigmas(lo, hi, n);
      const ts = Array.from(sigmas, (s) =>
        round ? roundHalfEven(sigmaToTimestep(s, logSigmas)) : f32(sigmaToTimestep(s, logSigmas)),
      );
      const what = `${cls} karras ${c.timestep_spacing} N=${n}`;
      assertRel([...Array.from(sigmas, f32), 0], c.sigmas!, 1e-6, `${what} σ`);
      if (round) assert.deepEqual(ts, c.timesteps, `${what} t`);
      else assertRel(ts, c.timesteps, 1e-6, `${what} t`);
    }
  }
});

test('exponential and beta σ schedules match diffusers (Euler, use_exponential_sigmas / use_beta_sigmas)', () => {
  const ref = readJson('extra/schedules.json');
  const table = eulerSigmaTable({ ...ref.meta.base_config, rescale_betas_zero_snr: false });
  const logSigmas = table.map((s) => f32(Math.log(s)));
  assert.equal(ref.sigma_cases.length, 8);
  for (const c of ref.sigma_cases) {
    const n = c.num_inference_steps;
    const ts = spacedTimesteps({
      spacing: 'linspace',
      numInferenceSteps: n,
      numTrainTimesteps: 1000,
      roundLinspace: false,
    });
    const hi = f32(interpolateAt(ts[0], table));
    const lo = f32(interpolateAt(ts[n - 1], table));
    const sigmas = c.option === 'use_beta_sigmas' ? betaSigmas(lo, hi, n) : exponentialSigmas(lo, hi, n);
    const what = `${c.option} N=${n}`;
    assertRel([...Array.from(sigmas, f32), 0], c.sigmas, 1e-6, `${what} σ`);
    assertRel(
      Array.from(sigmas, (s) => f32(sigmaToTimestep(s, logSigmas))),
      c.timesteps,
      1e-6,
      `${what} t`,
    );
  }
});

test('beta quantile agrees with scipy.stats.beta.ppf and inverts the incomplete beta function', () => {
  const rows: [number, number, number, number][] = readJson('extra/schedules.json').beta_ppf;
  assert.ok(rows.length >= 40);
  for (const [p, a, b, x] of rows) {
    const got = betaQuantile(p, a, b);
    assert.ok(Math.abs(got - x) <= 1e-12 * Math.max(x, 1e-300) + 1e-15, `ppf(${p}; ${a}, ${b}) = ${got}, scipy ${x}`);
    assert.ok(Math.abs(regularizedIncompleteBeta(got, a, b) - p) <= 1e-13 * Math.max(p, 1e-3), `I(ppf(${p}))`);
  }
  assert.equal(betaQuantile(0, 0.6, 0.6), 0);
  assert.equal(betaQuantile(1, 0.6, 0.6), 1);
  assert.ok(Number.isNaN(betaQuantile(1.5, 0.6, 0.6)));
  assert.ok(Number.isNaN(betaQuantile(0.5, -1, 0.6)));
});

test('σ, SNR and log-SNR of Stable Diffusion 1.x match the published figures', () => {
  const abar = alphasCumprodFor({
    num_train_timesteps: 1000,
    beta_start: 0.00085,
    beta_end: 0.012,
    beta_schedule: 'scaled_linear',
  });
  const sigmas = sigmasFromAlphasCumprod(abar);
  // FACTS.md (rounded, float64 figures): √ᾱ_T = 0.068265, terminal SNR 0.0047 (log-SNR −5.36),
  // σ from 0.029167 to 14.614641.
  const near = (x: number, y: number, rel: number) => assert.ok(Math.abs(x - y) <= rel * Math.abs(y), `${x} vs ${y}`);
  near(Math.sqrt(abar[999]), 0.068265, 1e-5);
  near(snr(abar[999]), 0.0047, 0.01);
  near(logSnr(abar[999]), -5.36, 1e-3);
  near(sigmas[0], 0.029167, 1e-4);
  near(sigmas[999], 14.614641, 1e-6);
  for (const i of [0, 500, 999]) {
    assert.ok(Math.abs(snr(abar[i]) * sigmas[i] ** 2 - 1) < 1e-6, 'SNR = 1/σ²');
    assert.ok(Math.abs(logSnr(abar[i]) + 2 * Math.log(sigmas[i])) < 1e-6, 'log-SNR = −2 log σ');
  }
  assert.equal(logSnr(0), -Infinity);
  assert.equal(sigmasFromAlphasCumprod([0])[0], Infinity);
});

test('σ → t interpolates in log σ and clamps to the training range', () => {
  // The table holds float32 logs, as diffusers' does; the interpolation weight is float32 too.
  const logSigmas = [1, 2, 4].map((s) => Math.fround(Math.log(s)));
  assert.equal(sigmaToTimestep(2, logSigmas), 1);
  assert.ok(Math.abs(sigmaToTimestep(Math.SQRT2, logSigmas) - 0.5) < 1e-7);
  assert.equal(sigmaToTimestep(0.1, logSigmas), 0);
  assert.equal(sigmaToTimestep(100, logSigmas), 2);
  assert.equal(interpolateAt(-3, [5, 6]), 5);
  assert.equal(interpolateAt(1.5, [5, 6]), 6);
  assert.equal(interpolateAt(0.25, [5, 6]), 5.25);
});
