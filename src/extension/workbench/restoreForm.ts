// Turns parameters recovered from a PNG into a workbench form, keeping the current value of
// anything the image does not say or this workspace cannot offer, and saying which.
import type { RestoredRun } from '../../engine/outputs/runRecord';
import { SPACINGS, type ModelOption, type ParamsForm, type RunSchedule, type SamplerOption, type Spacing } from '../../protocol/workbench';
import { sigmaScheduleOf } from './samplerOptions';

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
  const notes: string[] = [`Restored from ${r.source === 'a1111' ? 'A1111 parameters' : 'a Diffusion Lab record'}`];
  const form: ParamsForm = { ...current, prompt: r.prompt, negativePrompt: r.negativePrompt };
  const set = (key: keyof ParamsForm, value: number | undefined) => {
    if (value !== undefined) form[key] = String(value);
  };
  set('seed', r.seed);
  set('steps', r.steps);
  set('guidanceScale', r.guidanceScale);
  set('width', r.width);
  set('height', r.height);
  form.batchSize = '1';
  if (r.scheduler) {
    const known = samplers.find((s) => s.className === r.scheduler!.className);
    if (known) {
      form.sampler = known.className;
      const spacing = r.scheduler.options.timestep_spacing as Spacing | undefined;
      form.spacing = r.source === 'a1111' || !spacing || !known.spacing || !SPACINGS.includes(spacing) ? 'default' : spacing;
      const sigmas = sigmaScheduleOf(r.scheduler.options);
      form.sigmas = known.sigmas.includes(sigmas) ? sigmas : 'default';
    } else notes.push(`sampler ${r.scheduler.className} is not available here; kept ${form.sampler || "the model's own"}`);
  } else if (r.unknownSampler) notes.push(`sampler "${r.unknownSampler}" is unknown; kept ${form.sampler || "the model's own"}`);
  const model = catalog.find(r.model);
  if (model) form.modelId = model.id;
  else if (r.model.name) notes.push(`model "${r.model.name}" was not found; kept ${catalog.label(form.modelId)}`);
  const schedule = explicitSchedule(r, label);
  if (schedule) notes.push(`its explicit ${schedule.timesteps ? 'timesteps' : 'σ'} are the schedule`);
  return { form, note: `${notes.join('; ')}.`, schedule };
}

function explicitSchedule({ timesteps, sigmas, scheduler }: RestoredRun, label: string): RunSchedule | undefined {
  if (!timesteps && !sigmas) return undefined;
  return { label: `${label}'s schedule`, scheduler: scheduler?.options, ...(timesteps ? { timesteps } : { sigmas }) };
}
