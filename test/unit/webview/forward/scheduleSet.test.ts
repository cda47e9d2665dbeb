// The forward view's schedule set against diffusers' own numbers: the default set's ᾱ tables
// (test/fixtures/reference/diffusers/schedules.json) and the first step DDIM takes on SD's schedule
// (timesteps_DDIMScheduler.json), for every spacing and step count there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SCHEDULES, forwardColumns, type Spacing } from '../../../../webview/forward/scheduleSet';

const REF = join(__dirname, '../../../fixtures/reference/diffusers');
const read = (name: string) => JSON.parse(readFileSync(join(REF, name), 'utf8'));

interface ScheduleCase {
  beta_schedule: string;
  rescale_betas_zero_snr: boolean;
  alphas_cumprod: number[];
}

test('the default set is linear, SD, cosine and SD at zero terminal SNR, with diffusers’ ᾱ', () => {
  const cases: ScheduleCase[] = read('schedules.json').cases;
  const expected = [
    ['linear', false],
    ['scaled_linear', false],
    ['squaredcos_cap_v2', false],
    ['scaled_linear', true],
  ] as const;
  const columns = forwardColumns(DEFAULT_SCHEDULES, { sampler: '', spacing: '', steps: 50 });
  assert.equal(columns.length, 4);
  columns.forEach((column, i) => {
    const [schedule, zeroSnr] = expected[i];
    const ref = cases.find((c) => c.beta_schedule === schedule && c.rescale_betas_zero_snr === zeroSnr)!;
    assert.equal(column.error, undefined, column.name);
    assert.equal(column.alphasCumprod.length, 1000);
    const worst = Math.max(...ref.alphas_cumprod.map((a, t) => Math.abs(a - column.alphasCumprod[t])));
    assert.ok(worst < 2e-7, `${column.name}: largest ᾱ difference ${worst}`);
  });
  assert.equal(columns[3].first?.t, 999, 'trailing spacing starts at T − 1');
  assert.equal(columns[3].first?.level.snr, 0, 'where zero terminal SNR is pure noise');
});

test('the marked first step is diffusers’ first DDIM timestep for every spacing and step count', () => {
  const ref = read('timesteps_DDIMScheduler.json');
  const sd = [{ name: 'SD', config: { _class_name: 'DDIMScheduler', ...ref.variants.default } }];
  const cases = ref.cases.filter((c: { variant: string }) => c.variant === 'default');
  assert.ok(cases.length >= 12);
  for (const c of cases as { timestep_spacing: Spacing; num_inference_steps: number; timesteps: number[] }[]) {
    const [column] = forwardColumns(sd, { sampler: '', spacing: c.timestep_spacing, steps: c.num_inference_steps });
    const first = column.first!;
    assert.equal(first.t, c.timesteps[0], `${c.timestep_spacing}, ${c.num_inference_steps} steps`);
    assert.ok(Math.abs(first.level.alphaCumprod - column.alphasCumprod[first.t]) < 1e-12, 'its level is ᾱ at that t');
  }
});

test('a schedule that cannot be built, or sampled as chosen, says why in its column', () => {
  const entries = [
    { name: 'broken', config: { _class_name: 'DDIMScheduler', beta_schedule: 'nonsense' } },
    { name: 'fine', config: { _class_name: 'DDIMScheduler' } },
    { name: 'explicit', config: { _class_name: 'EulerDiscreteScheduler' }, timesteps: [900, 500, 100] },
  ];
  const [broken, fine, explicit] = forwardColumns(entries, { sampler: '', spacing: 'trailing', steps: 5000 });
  assert.match(broken.error!, /beta_schedule/);
  assert.equal(broken.alphasCumprod.length, 0);
  assert.match(fine.error!, /no first step/);
  assert.equal(fine.alphasCumprod.length, 1000, 'the pictures still draw');
  assert.equal(explicit.first?.t, 900, 'explicit timesteps are the run, whatever the step count');
});
