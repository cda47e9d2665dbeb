// Turns parameters recovered from a PNG into a workbench form, keeping the current value of
// anything the image does not say or this workspace cannot offer, and saying which.
import {
  sigmaScheduleOf,
  SPACINGS,
  type ModelOption,
  type ParamsForm,
  type RunSchedule,
  type SamplerOption,
  type Spacing,
} from '../../protocol/workbench';
import { RANDOM_SEED } from '../../protocol/run';
import type { RestoredRun } from '../../runs/runRecord';

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
  const className = spec.scheduler?._class_name;
  if (typeof className === 'string') {
    const known = samplers.find((s) => s.className === className);
    if (known) {
      form.sampler = known.className;
      const spacing = spec.scheduler!.timestep_spacing as Spacing | undefined;
      form.spacing =
        r.source === 'a1111' || !spacing || !known.spacing || !SPACINGS.includes(spacing) ? 'default' : spacing;
      const sigmas = sigmaScheduleOf(spec.scheduler!);
      form.sigmas = known.sigmas.includes(sigmas) ? sigmas : 'default';
    } else notes.push(`sampler ${className} is not available here; kept ${form.sampler || "the model's own"}`);
  } else if (spec.toolSampler) {
    // The form's sampler picker holds diffusers classes; the tool's sampler is named so the user can pick.
    const { tool, sampler, schedule } = spec.toolSampler;
    notes.push(
      `${tool === 'a1111' ? 'A1111' : 'ComfyUI'} sampler "${sampler}"${schedule ? ` (${schedule})` : ''} is not in this picker; kept ${form.sampler || "the model's own"}`,
    );
  } else if (r.unknownSampler)
    notes.push(`sampler "${r.unknownSampler}" is unknown; kept ${form.sampler || "the model's own"}`);
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
