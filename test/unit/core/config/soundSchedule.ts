// What "a config either builds a sound sampler or says why not" means, shared by the property-based
// and the table-driven bad-input suites.
import assert from 'node:assert/strict';
import type { Finding } from '../../../../src/core/config/findings';
import { createScheduler, inverseSchedulerClassNames } from '../../../../src/core/samplers/registry';
import type { Scheduler } from '../../../../src/core/samplers/scheduler';

/** Step counts every sound scheduler is tried with. */
export const STEP_COUNTS = Array.from({ length: 50 }, (_, i) => i + 1);

/** Classes whose diffusers schedule repeats a timestep by design: PNDM's PLMS repeats the one before
 * last, Heun and KDPM2 visit each σ twice (KDPM2 interleaves an interpolated timestep). */
const KDPM2 = ['KDPM2DiscreteScheduler', 'KDPM2AncestralDiscreteScheduler'];
const REPEATS_TIMESTEPS = new Set(['PNDMScheduler', 'HeunDiscreteScheduler', ...KDPM2]);
const REPEATS_SIGMAS = new Set(['HeunDiscreteScheduler', ...KDPM2]);
/** float32 rounding: the σ after the last step may equal the last visited σ up to this (diffusers'
 * log_linear Euler lands on σ_min twice). */
const F32_RELATIVE = 2 ** -22;

/** Refusals setTimesteps may give for a step count the config cannot spread (more steps than
 * timesteps, PNDM's 4-step warm-up, leading spacing pushed past T by steps_offset, a Karras range
 * whose unset end, taken from the spacing, passes the set one, a KDPM2 midpoint σ with no timestep or a
 * first timestep that recurs):
 * they name the step count. Any other exception is a bug. */
const STEP_COUNT_REFUSAL = new RegExp(
  [
    'num_inference_steps \\d+ must be',
    'needs at least \\d+ steps',
    '\\d+ steps with leading spacing',
    'with \\d+ steps sigma_min',
    'with \\d+ steps the (midpoint|first timestep)',
  ].join('|'),
);

export type Outcome =
  { kind: 'refused'; errors: Finding[] } | { kind: 'built'; scheduler: Scheduler; findings: Finding[] };

/** Builds the config, asserting it never throws and that a refusal is an error finding with a path
 * and a message. */
export function build(json: unknown, overrides?: Record<string, unknown>): Outcome {
  const { scheduler, findings } = createScheduler(json, overrides);
  for (const f of findings) {
    assert.ok(
      Array.isArray(f.path) && f.path.every((p) => typeof p === 'string' || typeof p === 'number'),
      `path of ${f.code}`,
    );
    assert.ok(typeof f.message === 'string' && f.message.length > 0 && f.message.length < 600, `message of ${f.code}`);
  }
  const errors = findings.filter((f) => f.severity === 'error');
  if (!scheduler) {
    assert.ok(errors.length > 0, `no scheduler and no error finding: ${JSON.stringify(findings)}`);
    return { kind: 'refused', errors };
  }
  assert.deepEqual(errors, [], 'a built scheduler has no error findings');
  return { kind: 'built', scheduler, findings };
}

/** For n = 1..50: finite timesteps, σ and init_noise_sigma; σ strictly descending (repeats only
 * where the class repeats steps); timesteps descending. */
export function assertSound(s: Scheduler): void {
  for (const n of STEP_COUNTS) {
    try {
      s.setTimesteps(n);
    } catch (e) {
      assert.ok(e instanceof RangeError && STEP_COUNT_REFUSAL.test(e.message), `${s.className} n=${n}: ${String(e)}`);
      continue;
    }
    const where = `${s.className} n=${n} config=${JSON.stringify(s.config)}`;
    const ts = [...s.timesteps];
    assert.ok(ts.length >= n && ts.every(Number.isFinite), `${where}: timesteps ${ts}`);
    assert.ok(
      Number.isFinite(s.initNoiseSigma) && s.initNoiseSigma > 0,
      `${where}: init_noise_sigma ${s.initNoiseSigma}`,
    );
    // An inverse scheduler walks the schedule the other way (image → noise).
    const ordered = inverseSchedulerClassNames.includes(s.className) ? [...ts].reverse() : ts;
    if (!KDPM2.includes(s.className))
      assertDescending(ordered, !REPEATS_TIMESTEPS.has(s.className) && !s.sigmas, `${where}: timesteps`);
    if (!s.sigmas) continue;
    const sigmas = [...s.sigmas];
    assert.ok(
      sigmas.every((x) => Number.isFinite(x) && x >= 0),
      `${where}: sigmas ${sigmas}`,
    );
    const visited = sigmas.slice(0, -1);
    assertDescending(visited, !REPEATS_SIGMAS.has(s.className), `${where}: sigmas`);
    // EDM DPM-Solver ends at sigma_min as configured, and its float32 Karras σ reach sigma_min only to
    // about 1e-6 (pow amplifies the rounding of the base): diffusers' last step rises that much.
    const rise = s.className === 'EDMDPMSolverMultistepScheduler' ? 1e-5 : F32_RELATIVE;
    assert.ok(sigmas.at(-1)! <= visited.at(-1)! * (1 + rise), `${where}: the final σ rises: ${sigmas.slice(-2)}`);
  }
}

function assertDescending(xs: number[], strict: boolean, what: string): void {
  const i = xs.findIndex((x, k) => k > 0 && (strict ? !(x < xs[k - 1]) : !(x <= xs[k - 1])));
  assert.equal(
    i,
    -1,
    `${what} not ${strict ? 'strictly ' : ''}descending at ${i}: ${xs.slice(Math.max(0, i - 2), i + 2)}`,
  );
}
