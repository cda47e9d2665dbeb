// What to type into A1111 ("Sampler" + "Schedule type") and ComfyUI (KSampler sampler_name + scheduler) to
// run what a finished run ran, for the PNG metadata: a tool-sampler run's own names (toolNames), or, for a
// diffusers run, the A1111 sampler that runs the same algorithm on the same σ list. Where no name does, the
// reason instead: writing the nearest name would make a PNG that re-runs differently without a word.
import { isToolFinding, resolveA1111, type Tool, TOOL_LABELS } from '../core/kdiffusion/toolSamplers';
import { type ToolNames, toolNames } from '../core/kdiffusion/toolNames';
import { A1111_SAMPLERS } from '../core/kdiffusion/a1111Samplers';
import type { RunInfo } from '../protocol/engine';

const A1111_LABELS = new Set(A1111_SAMPLERS.map((e) => e.label));

export interface ToolEquivalents extends ToolNames {
  /** Why A1111 has no equivalent (absent when it has one). */
  readonly a1111Why?: string;
  /** Why ComfyUI's KSampler has none. */
  readonly comfyuiWhy?: string;
}

type RanInfo = Pick<RunInfo, 'scheduler' | 'toolSampler'> & {
  spec: Pick<RunInfo['spec'], 'steps' | 'sigmas' | 'timesteps' | 'guidanceRescale' | 'initImage'>;
};

export function toolEquivalents(info: RanInfo): ToolEquivalents {
  const names = info.toolSampler ? info.toolSampler : fromDiffusers(info);
  if ('why' in names) return { a1111Why: names.why, comfyuiWhy: names.why };
  const explicit = info.spec.sigmas ?? info.spec.timesteps;
  const why = explicit
    ? `the run used an explicit ${info.spec.sigmas ? 'σ' : 'timestep'} list`
    : info.spec.guidanceRescale
      ? 'neither tool has guidance rescale without an extension'
      : undefined;
  if (why) return { a1111Why: why, comfyuiWhy: why };
  if (info.spec.initImage !== undefined) return imageEquivalents(names, info.toolSampler?.tool);
  const tool = info.toolSampler;
  const ran = tool ? `${TOOL_LABELS[tool.tool]}'s ${tool.sampler} schedule` : 'this run';
  // A reported pair whose sampler is not on A1111's list (a record from elsewhere) is not written.
  const a1111 = names.a1111 && A1111_LABELS.has(names.a1111.sampler) ? names.a1111 : undefined;
  return {
    ...names,
    a1111,
    a1111Why: a1111 ? undefined : `A1111 has no sampler and schedule type that run ${ran} the same`,
    comfyuiWhy: names.comfyui
      ? undefined
      : `ComfyUI's KSampler has no sampler_name and scheduler that run ${ran} the same`,
  };
}

/** From an init image each tool cuts its schedule by the strength its own way (toolImageSigmas.ts; diffusers'
 * get_timesteps), so only the tool that ran names what re-runs it. */
function imageEquivalents(names: ToolNames, ran: Tool | undefined): ToolEquivalents {
  const by = ran ? TOOL_LABELS[ran] : 'diffusers';
  const why = (tool: Tool) =>
    `from an init image ${TOOL_LABELS[tool]} cuts its schedule by the strength its own way, not as ${by} does`;
  return {
    a1111: ran === 'a1111' ? names.a1111 : undefined,
    comfyui: ran === 'comfyui' ? names.comfyui : undefined,
    a1111Why: ran === 'a1111' ? undefined : why('a1111'),
    comfyuiWhy: ran === 'comfyui' ? undefined : why('comfyui'),
  };
}

/** The A1111 sampler of each diffusers class that runs the same algorithm (k-diffusion's, which diffusers
 * ported), or why there is none. */
const A1111_OF_CLASS: Record<string, string | { why: string }> = {
  EulerDiscreteScheduler: 'Euler',
  EulerAncestralDiscreteScheduler: 'Euler a',
  HeunDiscreteScheduler: 'Heun',
  LMSDiscreteScheduler: 'LMS',
  DPMSolverMultistepScheduler: 'DPM++ 2M',
  KDPM2DiscreteScheduler: { why: "A1111's DPM2 drops the next-to-last σ, diffusers' KDPM2 does not" },
  KDPM2AncestralDiscreteScheduler: { why: "A1111's DPM2 a drops the next-to-last σ, diffusers' does not" },
  DPMSolverSinglestepScheduler: {
    why: "A1111's singlestep DPM++ (DPM++ 2S a) adds ancestral noise, diffusers' does not",
  },
  DDIMScheduler: { why: "A1111's DDIM walks its own timesteps and makes one model call fewer" },
  PNDMScheduler: { why: "A1111's PLMS starts with Heun steps, diffusers' PNDM with Runge–Kutta or none" },
  UniPCMultistepScheduler: { why: "A1111's UniPC walks continuous VP times, not diffusers' timesteps" },
  LCMScheduler: { why: "A1111's LCM walks its own 50-step σ table" },
  EDMEulerScheduler: { why: "A1111's samplers do not run diffusers' EDM sigma range and sigma_data preconditioning" },
  EDMDPMSolverMultistepScheduler: {
    why: "A1111's samplers do not run diffusers' EDM sigma range and sigma_data preconditioning",
  },
  TCDScheduler: { why: 'A1111 has no TCD sampler (gamma noise between consistency steps)' },
};

/** The A1111 sampler name a diffusers class runs as, when there is one (for labels). */
export function a1111SamplerOfClass(className: string): string | undefined {
  const entry = A1111_OF_CLASS[className];
  return typeof entry === 'string' ? entry : undefined;
}

/** Classes that take the Karras/exponential/beta range from the spaced timesteps rather than the whole table. */
const RANGE_FROM_SPACED = ['EulerDiscreteScheduler', 'HeunDiscreteScheduler', 'LMSDiscreteScheduler'];

function fromDiffusers(info: RanInfo): ToolNames | { why: string } {
  const c = info.scheduler;
  const className = String(c._class_name);
  let sampler = A1111_OF_CLASS[className] ?? { why: `A1111 has no sampler that runs ${className}` };
  if (className === 'DPMSolverMultistepScheduler' && (c.algorithm_type !== 'dpmsolver++' || c.solver_order !== 2)) {
    const variant = `${c.algorithm_type as string}, order ${c.solver_order as number}`;
    sampler = { why: `A1111's DPM++ samplers do not run ${className} with ${variant}` };
  }
  if (typeof sampler !== 'string') return sampler;
  const scheduleType = a1111ScheduleOf(className, c, info.spec.steps);
  if (typeof scheduleType !== 'string') return scheduleType;
  const resolved = resolveA1111(sampler, scheduleType);
  return isToolFinding(resolved) ? { why: resolved.message } : toolNames(resolved);
}

/** The A1111 schedule type giving the σ list a diffusers config gives for `steps`, or why none does. */
function a1111ScheduleOf(className: string, c: Record<string, unknown>, steps: number): string | { why: string } {
  const spacing = c.timestep_spacing as string;
  const sigmaType = c.use_karras_sigmas
    ? 'Karras'
    : c.use_exponential_sigmas
      ? 'Exponential'
      : c.use_beta_sigmas
        ? 'Beta'
        : undefined;
  if (sigmaType) {
    if (RANGE_FROM_SPACED.includes(className) && spacing !== 'linspace') {
      const why = `${className} takes the ${sigmaType} range from its ${spacing} timesteps, A1111 from the whole table`;
      return { why };
    }
    return sigmaType;
  }
  const T = Number(c.num_train_timesteps);
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  // Each schedule type's timesteps (the σ are the table's at them) against the spacing's.
  if (spacing === 'trailing' && same(trailing(T, steps), simple(T, steps))) return 'Simple';
  if (spacing === 'leading' && same(leading(T, steps, Number(c.steps_offset)), ddimUniform(T, steps))) return 'DDIM';
  // diffusers interpolates σ linearly between timesteps, A1111 log-linearly: equal where linspace hits integers.
  if (spacing === 'linspace' && steps >= 2 && (T - 1) % (steps - 1) === 0) return 'Uniform';
  return { why: `no A1111 schedule type gives the σ of ${spacing} spacing at ${steps} steps` };
}

/** diffusers' spacings (set_timesteps), descending; numpy rounds half to even. */
const trailing = (T: number, n: number) => Array.from({ length: n }, (_, i) => roundHalfEven(T - i * (T / n)) - 1);
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
const leading = (T: number, n: number, offset: number) =>
  Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(T / n) + offset);

/** ComfyUI's simple and ddim_uniform timesteps (A1111's Simple and DDIM), descending. */
const simple = (T: number, n: number) => Array.from({ length: n }, (_, i) => T - 1 - Math.floor((i * T) / n));
function ddimUniform(T: number, n: number): number[] {
  const out: number[] = [];
  for (let t = 1; t < T; t += Math.max(Math.floor(T / n), 1)) out.push(t);
  return out.reverse();
}
