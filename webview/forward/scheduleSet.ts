// The schedules the forward view draws side by side, each with its ᾱ table and the first step a
// chosen sampler, spacing and step count would take on it (computed with the core the engine runs).
import { firstSamplingStep, type FirstStep } from '../../src/core/forward/forwardView';
import { noiseLevelOfSigma } from '../../src/core/forward/noiseLevel';
import type { Scheduler } from '../../src/core/samplers/scheduler';
import type { ScheduleEntry } from '../../src/protocol/schedule';
import { schedulerOf } from '../schedule/scheduleSeries';

/** SD's betas (scaled_linear 0.00085 → 0.012), as its scheduler_config.json ships them. */
const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };

/** Shown when no schedule document is followed: DDPM's linear, SD's scaled_linear, improved DDPM's
 * cosine, and SD's rescaled to zero terminal SNR with trailing spacing (Lin et al. 2023). */
export const DEFAULT_SCHEDULES: readonly ScheduleEntry[] = [
  { name: 'linear', config: { _class_name: 'DDIMScheduler', beta_schedule: 'linear', steps_offset: 1 } },
  { name: 'scaled_linear (SD)', config: { _class_name: 'DDIMScheduler', ...SD, steps_offset: 1 } },
  {
    name: 'squaredcos_cap_v2',
    config: { _class_name: 'DDIMScheduler', beta_schedule: 'squaredcos_cap_v2', steps_offset: 1 },
  },
  {
    name: 'SD, zero terminal SNR',
    config: { _class_name: 'DDIMScheduler', ...SD, rescale_betas_zero_snr: true, timestep_spacing: 'trailing' },
  },
];

export type Spacing = '' | 'leading' | 'trailing' | 'linspace';

/** The sampling run whose first step is marked; '' keeps each schedule's own class or spacing. */
export interface StepChoice {
  sampler: string;
  spacing: Spacing;
  steps: number;
}

export interface ForwardColumn {
  name: string;
  /** ᾱ_t over the training timesteps; empty when the schedule could not be built. */
  alphasCumprod: Float64Array;
  first?: FirstStep;
  /** Why there is no picture, or no first step. */
  error?: string;
}

/** One column per entry; a schedule that cannot be built, or sampled as chosen, says why. */
export function forwardColumns(entries: readonly ScheduleEntry[], choice: StepChoice): ForwardColumn[] {
  return entries.map((entry) => {
    const overrides = { ...(choice.sampler ? { _class_name: choice.sampler } : {}) };
    let column: ForwardColumn;
    try {
      column = { name: entry.name, alphasCumprod: schedulerOf(entry, overrides).alphasCumprod };
    } catch (error) {
      return { name: entry.name, alphasCumprod: new Float64Array(0), error: (error as Error).message };
    }
    try {
      const spacing = choice.spacing && !entry.timesteps && !entry.sigmas ? { timestep_spacing: choice.spacing } : {};
      return { ...column, first: firstStep(entry, schedulerOf(entry, { ...overrides, ...spacing }), choice.steps) };
    } catch (error) {
      return { ...column, error: `no first step: ${(error as Error).message}` };
    }
  });
}

/** An entry's explicit timesteps or sigmas are its run; otherwise the scheduler's own for `steps`. */
function firstStep(entry: ScheduleEntry, scheduler: Scheduler, steps: number): FirstStep | undefined {
  if (!entry.timesteps && !entry.sigmas) return firstSamplingStep(scheduler, steps);
  const custom = entry.timesteps ? { timesteps: entry.timesteps } : { sigmas: entry.sigmas! };
  scheduler.setTimesteps((entry.timesteps ?? entry.sigmas)!.length, custom);
  const t = scheduler.timesteps[0];
  return { t, index: 0, level: noiseLevelOfSigma(scheduler.sigmaAt(t)) };
}
