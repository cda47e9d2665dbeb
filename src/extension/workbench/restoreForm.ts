// Turns parameters recovered from a PNG into a workbench form, keeping the current value of
// anything the image does not say or this workspace cannot offer, and saying which.
import { TOOL_LABELS } from '../../core/kdiffusion/toolSamplers';
import { SPACINGS, type ModelOption, type ParamsForm, type RunSchedule, type Spacing } from '../../protocol/workbench';
import { toolSamplerLabel, type SamplerOption } from '../../protocol/workbenchSampler';
import { RANDOM_SEED } from '../../protocol/run';
import type { RestoredRun } from '../../runs/runRecord';
import { samplerFor } from './samplerOptions';

const SOURCES: Record<RestoredRun['source'], string> = {
  'diffusion-lab': 'a Diffusion Lab record',
  a1111: 'A1111 parameters',
  comfyui: "ComfyUI's prompt graph",
};

/** The model lookups restoring needs (ModelCatalog provides them). */
export interface ModelLookup {
  find(model: { dir?: string; name?: string }): ModelOption | undefined;
  label(id: string): string;
}

/** The form, a note on what was kept, and the run's explicit schedule (named `label`) when it had one:
 * the form's sampler controls cannot hold explicit timesteps or σ, a handed-over schedule can. */
export function toForm(
  r: RestoredRun,
  current: ParamsForm,
  catalog: ModelLookup,
  samplers: SamplerOption[],
  label = 'the image',
): { form: ParamsForm; note: string; schedule?: RunSchedule } {
  const notes: string[] = [`Restored from ${SOURCES[r.source]}`, ...(r.notes ?? [])];
  const { spec } = r;
  const form: ParamsForm = { ...current, prompt: spec.prompt, negativePrompt: spec.negativePrompt };
  const set = (key: keyof ParamsForm, value: number | undefined) => {
    if (value !== undefined) form[key] = String(value);
  };
  set('seed', spec.seed);
  set('steps', spec.steps);
  set('guidanceScale', spec.guidanceScale);
  set('width', spec.width);
  set('height', spec.height);
  // One image, and the image's own variation (none when it had none), so the form re-makes it.
  form.batchSize = '1';
  form.batchCount = '1';
  form.subseed = String(spec.subseed ?? RANDOM_SEED);
  form.subseedStrength = String(spec.subseedStrength ?? 0);
  form.etaNoiseSeedDelta = String(spec.etaNoiseSeedDelta ?? 0);
  const kept = () => samplers.find((s) => s.id === form.sampler)?.label ?? "the model's own";
  const className = spec.scheduler?._class_name;
  const ran = spec.toolSampler ? { toolSampler: spec.toolSampler } : { scheduler: spec.scheduler };
  const picked = samplerFor(samplers, ran);
  if (picked) {
    form.sampler = picked.id;
    const spacing = spec.scheduler?.timestep_spacing as Spacing | undefined;
    const usable = r.source !== 'a1111' && picked.spacing && spacing && SPACINGS.includes(spacing);
    form.spacing = usable ? spacing : 'default';
  } else if (spec.toolSampler) {
    const { tool } = spec.toolSampler;
    const name = toolSamplerLabel(spec.toolSampler);
    notes.push(`${TOOL_LABELS[tool]} sampler "${name}" is not available here; kept ${kept()}`);
  } else if (typeof className === 'string') notes.push(`sampler ${className} is not available here; kept ${kept()}`);
  else if (r.unknownSampler) notes.push(`sampler "${r.unknownSampler}" is unknown; kept ${kept()}`);
  const model = catalog.find(r.model);
  if (model) form.modelId = model.id;
  else if (r.model.name) notes.push(`model "${r.model.name}" was not found; kept ${catalog.label(form.modelId)}`);
  const schedule = explicitSchedule(r, label);
  if (schedule) notes.push(`its explicit ${schedule.timesteps ? 'timesteps' : 'σ'} are the schedule`);
  return { form, note: `${notes.join('; ')}.`, schedule };
}

function explicitSchedule(
  { spec: { timesteps, sigmas, scheduler } }: RestoredRun,
  label: string,
): RunSchedule | undefined {
  if (!timesteps && !sigmas) return undefined;
  return { label: `${label}'s schedule`, scheduler, ...(timesteps ? { timesteps } : { sigmas }) };
}
