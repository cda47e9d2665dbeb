// Sampler names as A1111 users know them, against diffusers' scheduler classes and options, so a
// PNG made by either tool restores the same sampler. (Correspondence from diffusers' scheduler docs.)
import { classNameOf } from '../protocol/run';

export interface SchedulerChoice {
  /** diffusers `_class_name`. */
  className: string;
  /** Config keys this choice sets, e.g. use_karras_sigmas. */
  options: Record<string, unknown>;
}

const SAMPLERS: { a1111: string; className: string; options?: Record<string, unknown> }[] = [
  // More specific entries first: toA1111Sampler takes the first whose options all match.
  { a1111: 'DPM++ 2M SDE', className: 'DPMSolverMultistepScheduler', options: { algorithm_type: 'sde-dpmsolver++' } },
  { a1111: 'DPM++ 2M', className: 'DPMSolverMultistepScheduler' },
  { a1111: 'Euler a', className: 'EulerAncestralDiscreteScheduler' },
  { a1111: 'Euler', className: 'EulerDiscreteScheduler' },
  { a1111: 'LMS', className: 'LMSDiscreteScheduler' },
  { a1111: 'Heun', className: 'HeunDiscreteScheduler' },
  { a1111: 'DPM2 a', className: 'KDPM2AncestralDiscreteScheduler' },
  { a1111: 'DPM2', className: 'KDPM2DiscreteScheduler' },
  { a1111: 'DDIM', className: 'DDIMScheduler' },
  { a1111: 'PLMS', className: 'PNDMScheduler' },
  { a1111: 'UniPC', className: 'UniPCMultistepScheduler' },
  { a1111: 'LCM', className: 'LCMScheduler' },
  { a1111: 'DDPM', className: 'DDPMScheduler' },
  { a1111: 'DEIS', className: 'DEISMultistepScheduler' },
];

const SCHEDULE_TYPES: { a1111: string; options: Record<string, unknown> }[] = [
  { a1111: 'Karras', options: { use_karras_sigmas: true } },
  { a1111: 'Exponential', options: { use_exponential_sigmas: true } },
  { a1111: 'Beta', options: { use_beta_sigmas: true } },
  { a1111: 'SGM Uniform', options: { timestep_spacing: 'trailing' } },
];

/** A1111's sampler and schedule type for an effective scheduler config; unknown classes keep their name. */
export function toA1111Sampler(config: Record<string, unknown>): { sampler: string; scheduleType?: string } {
  const className = classNameOf(config) ?? '';
  const entry = SAMPLERS.find((s) => s.className === className && matches(config, s.options ?? {}));
  const schedule = SCHEDULE_TYPES.find((s) => matches(config, s.options));
  return { sampler: entry?.a1111 ?? className, scheduleType: schedule?.a1111 };
}

/** The scheduler behind an A1111 sampler name (old "X Karras" names included); undefined when unknown. */
export function fromA1111Sampler(sampler: string, scheduleType?: string): SchedulerChoice | undefined {
  let name = sampler.trim();
  let schedule = scheduleType?.trim();
  const suffix = SCHEDULE_TYPES.find((s) => name.endsWith(` ${s.a1111}`));
  if (suffix) {
    name = name.slice(0, -suffix.a1111.length - 1);
    schedule = suffix.a1111;
  }
  // A class name means the class as configured by default: DPMSolverMultistepScheduler is DPM++ 2M,
  // not the SDE variant listed before it.
  const entry = SAMPLERS.find((s) => s.a1111 === name) ?? SAMPLERS.find((s) => s.className === name && !s.options);
  if (!entry) return undefined;
  const scheduleOptions = SCHEDULE_TYPES.find((s) => s.a1111 === schedule)?.options ?? {};
  return { className: entry.className, options: { ...entry.options, ...scheduleOptions } };
}

function matches(config: Record<string, unknown>, options: Record<string, unknown>): boolean {
  return Object.entries(options).every(([key, value]) => config[key] === value);
}
