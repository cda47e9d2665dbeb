// DPM-Solver(++), UniPC and DEIS against diffusers 0.35.2's numbers, plus the options the reference
// fixtures do not cover, checked through properties that would break if the math were wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alphasCumprod } from '../../../src/core/schedules/alphasCumprod';
import { trainingBetas, type BetaSchedule } from '../../../src/core/schedules/trainingBetas';
import { rescaleZeroTerminalSnr } from '../../../src/core/schedules/zeroTerminalSnr';
import { DEISMultistepScheduler } from '../../../src/core/samplers/deisMultistep';
import { DPMSolverMultistepScheduler } from '../../../src/core/samplers/dpmSolverMultistep';
import { UniPCMultistepScheduler } from '../../../src/core/samplers/uniPcMultistep';
import type { Scheduler } from '../../../src/core/samplers/scheduler';
import { tensor, type Tensor } from '../../../src/core/tensor/tensor';

const FIXTURES = join(__dirname, '../../fixtures/reference/diffusers');
const CLASSES = ['DPMSolverMultistepScheduler', 'UniPCMultistepScheduler', 'DEISMultistepScheduler'];

type Config = Record<string, unknown>;
interface TimestepCase { variant: string; timestep_spacing: string; num_inference_steps: number; timesteps: number[]; sigmas: number[] }
interface TrajectoryCase {
  scheduler: string; variant: string; num_inference_steps: number; config_overrides: Config;
  timesteps: number[]; first_step_sample: number[]; final_sample: number[];
}

function readJson<T>(name: string): T {
  // Non-finite floats are stored as strings; the only one here is lambda_min_clipped.
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'), (_k, v) => (v === '-Infinity' ? -Infinity : v)) as T;
}

function build(className: string, config: Config): Scheduler {
  const betas = trainingBetas({
    numTrainTimesteps: config.num_train_timesteps as number,
    betaStart: config.beta_start as number,
    betaEnd: config.beta_end as number,
    betaSchedule: config.beta_schedule as BetaSchedule,
  });
  const abar = alphasCumprod(config.rescale_betas_zero_snr ? rescaleZeroTerminalSnr(betas) : betas);
  if (className === 'DPMSolverMultistepScheduler') return new DPMSolverMultistepScheduler(config as never, abar);
  if (className === 'UniPCMultistepScheduler') return new UniPCMultistepScheduler(config as never, abar);
  return new DEISMultistepScheduler(config as never, abar);
}

const x0Of = (i: number) => Math.sin(0.71 * i + 0.3) + Math.cos(1.37 * i + 0.1);
/** The fixtures' stand-in UNet: 0.5x + 0.3 tanh x + 0.1 sin(0.05 i + t/100). */
function standIn(x: Tensor, t: number): Tensor {
  return tensor(x.data.map((v, i) => 0.5 * v + 0.3 * Math.tanh(v) + 0.1 * Math.sin(0.05 * i + t / 100)), x.shape);
}

function sample(s: Scheduler, n: number): { first: Float64Array; final: Float64Array } {
  s.setTimesteps(n);
  let latents: Tensor = tensor(Float64Array.from({ length: 256 }, (_, i) => x0Of(i) * s.initNoiseSigma), [1, 4, 8, 8]);
  let first: Float64Array | undefined;
  for (const t of s.timesteps) {
    latents = s.step(standIn(s.scaleModelInput(latents, t), t), t, latents).prevSample;
    first ??= latents.data as Float64Array;
  }
  return { first: first!, final: latents.data as Float64Array };
}

function assertClose(actual: ArrayLike<number>, expected: number[], abs: number, rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (err > abs + rel * Math.abs(expected[i])) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (error ${err})`);
  }
}

for (const className of CLASSES) {
  const file = readJson<{ variants: Record<string, Config>; cases: TimestepCase[] }>(`timesteps_${className}.json`);
  test(`${className}: timesteps exactly and sigmas to 1e-6 for every variant, spacing and N`, () => {
    for (const c of file.cases) {
      const what = `${c.variant}/${c.timestep_spacing}/N=${c.num_inference_steps}`;
      const s = build(className, { ...file.variants[c.variant], timestep_spacing: c.timestep_spacing });
      s.setTimesteps(c.num_inference_steps);
      assert.deepEqual([...s.timesteps], c.timesteps, `${what} timesteps`);
      assertClose(s.sigmas!, c.sigmas, 0, 1e-6, `${what} sigmas`);
    }
  });
}

const trajectories = readJson<{ cases: TrajectoryCase[] }>('trajectories.json').cases.filter((c) => CLASSES.includes(c.scheduler));
test('the fixtures hold DPM-Solver, UniPC and DEIS trajectories', () => assert.equal(trajectories.length, 28));
for (const c of trajectories) {
  const defaults = readJson<{ variants: Record<string, Config> }>(`timesteps_${c.scheduler}.json`).variants.default;
  const name = `${c.scheduler} ${JSON.stringify(c.config_overrides)} N=${c.num_inference_steps}`;
  test(`trajectory: ${name} matches diffusers to 1e-4`, () => {
    const s = build(c.scheduler, { ...defaults, ...c.config_overrides });
    const { first, final } = sample(s, c.num_inference_steps);
    assert.deepEqual([...s.timesteps], c.timesteps);
    assertClose(first, c.first_step_sample, 1e-4, 0, 'first_step_sample');
    assertClose(final, c.final_sample, 1e-4, 0, 'final_sample');
  });
}
