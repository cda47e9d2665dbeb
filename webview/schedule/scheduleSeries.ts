// Turns schedule entries into the curves the inspector draws, with the same core code the sampler
// steps with: training β, ᾱ, log-SNR and σ; the timesteps and σ a sampler visits for N steps; and
// the log-SNR gap between consecutive steps.
import { SCHEDULER_CLASSES } from '../../src/core/config/schedulerClasses';
import { createScheduler } from '../../src/core/samplers/registry';
import type { Scheduler } from '../../src/core/samplers/scheduler';
import type { ScheduleEntry } from '../../src/protocol/schedule';

export interface TrainingCurves {
  t: Float64Array;
  beta: Float64Array;
  alphaBar: Float64Array;
  /** null where infinite (zero terminal SNR). */
  logSnr: (number | null)[];
  sigma: (number | null)[];
}

export interface StepCurves {
  /** Step index of each visited timestep. */
  index: Float64Array;
  timesteps: Float64Array;
  /** Step index of each σ (one more than timesteps for σ-space samplers, ending at 0). */
  sigmaIndex: Float64Array;
  /** null for σ = 0, which a log axis cannot show. */
  sigmas: (number | null)[];
  gapIndex: Float64Array;
  /** λ_{i+1} − λ_i with λ = log-SNR = −2 ln σ. */
  gap: (number | null)[];
}

export interface ComputedSchedule {
  className: string;
  training: TrainingCurves;
  steps: StepCurves;
  /** Facts shown above the plots. */
  terminalSnr: number;
  sigmaMin: number;
  sigmaMax: number;
}

export interface ComputeOptions {
  /** Replace the config's `_class_name` (the sampler picker); undefined keeps it. */
  className?: string;
  steps: number;
}

/** Computes one schedule; throws an Error naming the problem (shown in place of its curves). */
export function computeSchedule(entry: ScheduleEntry, options: ComputeOptions): ComputedSchedule {
  const scheduler = schedulerOf(entry, options.className ? { _class_name: options.className } : {});
  const training = trainingCurves(scheduler.alphasCumprod);
  const custom = entry.timesteps ? { timesteps: entry.timesteps } : entry.sigmas ? { sigmas: entry.sigmas } : undefined;
  const n =
    entry.timesteps?.length ??
    (entry.sigmas ? Math.max(1, entry.sigmas.length - (entry.sigmas.at(-1) === 0 ? 1 : 0)) : options.steps);
  const T = scheduler.alphasCumprod.length;
  if (T === 0)
    throw new Error(`${scheduler.className} has no training schedule to plot: it builds its own, over t from 1 to 0`);
  if (!custom && n > T) throw new Error(`${n} steps is more than num_train_timesteps (${T})`);
  scheduler.setTimesteps(n, custom);
  const finite = training.sigma.filter((s): s is number => s !== null);
  return {
    className: scheduler.className,
    training,
    steps: stepCurves(scheduler),
    terminalSnr: snrOf(scheduler.alphasCumprod[T - 1]),
    sigmaMin: Math.min(...finite),
    sigmaMax: Math.max(...finite),
  };
}

/** The entry's scheduler with config `overrides`; throws an Error listing the config's errors. */
export function schedulerOf(entry: ScheduleEntry, overrides: Record<string, unknown>): Scheduler {
  const { scheduler, findings } = createScheduler(entry.config, overrides);
  if (scheduler) return scheduler;
  const errors = findings.filter((f) => f.severity === 'error').map((f) => f.message);
  throw new Error(errors.join('; ') || 'the core could not build this scheduler');
}

function trainingCurves(alphaBar: Float64Array): TrainingCurves {
  const T = alphaBar.length;
  const t = new Float64Array(T);
  const beta = new Float64Array(T);
  const logSnr = new Array<number | null>(T);
  const sigma = new Array<number | null>(T);
  for (let i = 0; i < T; i++) {
    const a = alphaBar[i];
    t[i] = i;
    // ᾱ_t = ∏(1 − β): each β is recovered from consecutive ᾱ.
    beta[i] = 1 - a / (i === 0 ? 1 : alphaBar[i - 1]);
    const l = Math.log(a) - Math.log1p(-a);
    logSnr[i] = Number.isFinite(l) ? l : null;
    const s = Math.sqrt((1 - a) / a);
    sigma[i] = Number.isFinite(s) ? s : null;
  }
  return { t, beta, alphaBar, logSnr, sigma };
}

function stepCurves(scheduler: Scheduler): StepCurves {
  const timesteps = scheduler.timesteps;
  const index = Float64Array.from(timesteps, (_, i) => i);
  const raw = scheduler.sigmas ?? Float64Array.from(timesteps, (t) => scheduler.sigmaAt(t));
  const sigmas = Array.from(raw, (s) => (s > 0 && Number.isFinite(s) ? s : null));
  const sigmaIndex = Float64Array.from(raw, (_, i) => i);
  const gapCount = Math.max(0, raw.length - 1);
  const gapIndex = Float64Array.from({ length: gapCount }, (_, i) => i);
  const gap = new Array<number | null>(gapCount);
  for (let i = 0; i < gapCount; i++) {
    const a = sigmas[i];
    const b = sigmas[i + 1];
    gap[i] = a && b ? -2 * Math.log(b) + 2 * Math.log(a) : null;
  }
  return { index, timesteps, sigmaIndex, sigmas, gapIndex, gap };
}

function snrOf(alphaBar: number): number {
  return alphaBar / (1 - alphaBar);
}

/** Config variants the user can overlay on the main schedule, each a small change to its config. */
export type VariantId = 'zeroSnr' | 'karras' | 'leading' | 'trailing' | 'linspace';

export const VARIANTS: { id: VariantId; label: string }[] = [
  { id: 'zeroSnr', label: 'zero-SNR flipped' },
  { id: 'karras', label: 'Karras flipped' },
  { id: 'leading', label: 'leading' },
  { id: 'trailing', label: 'trailing' },
  { id: 'linspace', label: 'linspace' },
];

/** The variant's entry, or why this schedule has none (its class lacks the key, or already has that
 * value). `className` is the class it is computed as (the sampler picker's, else its own). */
export function variantEntry(entry: ScheduleEntry, id: VariantId, className: string): ScheduleEntry | string {
  const c = entry.config;
  const cls = SCHEDULER_CLASSES[className];
  const lacks = (key: string) => cls !== undefined && !Object.hasOwn(cls.keys, key);
  const flip = (key: string, label: string) => {
    if (lacks(key)) return `${className} has no ${key}`;
    const on = c[key] !== true;
    return { ...entry, name: `${entry.name} · ${label} ${on ? 'on' : 'off'}`, config: { ...c, [key]: on } };
  };
  switch (id) {
    case 'zeroSnr':
      return flip('rescale_betas_zero_snr', 'zero-SNR');
    case 'karras':
      return flip('use_karras_sigmas', 'Karras');
    default: {
      if (entry.timesteps || entry.sigmas) return 'explicit steps have no spacing';
      if (lacks('timestep_spacing') || cls?.usesSpacing === false) return `${className} does not use timestep_spacing`;
      const current = c.timestep_spacing ?? cls?.keys.timestep_spacing?.default;
      if (current === id) return `already ${id}`;
      return { ...entry, name: `${entry.name} · ${id}`, config: { ...c, timestep_spacing: id } };
    }
  }
}
