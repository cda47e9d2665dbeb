// The workbench's one sampler list: every name a practitioner knows (A1111's "Sampler" + "Schedule type",
// ComfyUI's KSampler sampler_name + scheduler, diffusers' scheduler classes), each with what a run with it
// sets. The host builds the list from the registries (src/extension/workbench/samplerOptions.ts); the
// webview shows it grouped and searchable; both check a pick against the model here.
import type { RunSpec, ToolSamplerSpec } from './run';

export type SamplerGroup = 'model' | 'a1111' | 'comfyui' | 'diffusers';

/** Group headings, in the picker's order. */
export const SAMPLER_GROUPS: Readonly<Record<SamplerGroup, string>> = {
  model: 'This model',
  a1111: 'A1111 (Sampler and Schedule type)',
  comfyui: 'ComfyUI (KSampler sampler_name · scheduler)',
  diffusers: 'diffusers scheduler classes',
};

/** One entry of the sampler picker. */
export interface SamplerOption {
  /** Unique. The model's own scheduler is ''; a diffusers class at its default σ is its class name. */
  id: string;
  group: SamplerGroup;
  /** The name as the tool spells it ("DPM++ 2M Karras", "dpmpp_2m · karras", "EulerDiscreteScheduler"). */
  label: string;
  /** Other names the filter matches too (aliases, the A1111 name of a diffusers class). */
  detail?: string;
  /** diffusers scheduler config keys over the model's (a diffusers entry). */
  scheduler?: Record<string, unknown>;
  /** A tool's own sampler (an A1111 or ComfyUI entry). */
  toolSampler?: ToolSamplerSpec;
  /** The timestep spacing acts on it, so the form offers spacing. */
  spacing?: boolean;
  /** Why it cannot run at all (a name the registry knows but this project does not reproduce). */
  unavailable?: string;
}

/** The picker's first entry: the model's own scheduler config, as the folder has it. */
export const MODEL_SAMPLER: SamplerOption = { id: '', group: 'model', label: "Model's own scheduler", spacing: true };

/** The id of a diffusers class entry, at its default σ or with `use_<sigmas>_sigmas`. */
export function diffusersSamplerId(className: string, sigmas?: string): string {
  return sigmas ? `${className} · ${sigmas} σ` : className;
}

/** A tool's entry spelled as that tool's UI shows it: A1111's "Sampler Schedule type" (its legacy combined
 * names, "DPM++ 2M Karras"; Automatic is the sampler alone), ComfyUI's "sampler_name · scheduler". */
export function toolSamplerLabel({ tool, sampler, schedule }: ToolSamplerSpec): string {
  if (tool === 'comfyui') return `${sampler} · ${schedule ?? 'normal'}`;
  return schedule && schedule !== 'Automatic' ? `${sampler} ${schedule}` : sampler;
}

/** What a model says about the samplers it can run (ModelOption.toolSamplersWhy). */
export interface SamplerModel {
  label: string;
  toolSamplersWhy?: string;
}

/** Why `option` cannot run on `model`, or undefined when it can. */
export function samplerRefusal(option: SamplerOption, model: SamplerModel | undefined): string | undefined {
  if (option.unavailable) return option.unavailable;
  if (option.toolSampler && model?.toolSamplersWhy) return `not for ${model.label}: ${model.toolSamplersWhy}`;
  return undefined;
}

/** The spec fields a picked entry sets; `spacing` ('default': the sampler's own) only where it acts. */
export function samplerSpec(option: SamplerOption, spacing: string): Pick<RunSpec, 'scheduler' | 'toolSampler'> {
  if (option.toolSampler) return { toolSampler: { ...option.toolSampler } };
  const scheduler = { ...option.scheduler, ...(spacing !== 'default' && { timestep_spacing: spacing }) };
  return Object.keys(scheduler).length > 0 ? { scheduler } : {};
}
