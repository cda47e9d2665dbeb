// "Re-run from image": reads the parameters a PNG carries (Diffusion Lab's record, or A1111's
// `parameters` text) and turns them into a workbench form, saying what could not be restored.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { restoreFromPngText, type RestoredRun } from '../../engine/outputs/runRecord';
import { readPngText } from '../../engine/png';
import { SPACINGS, type ParamsForm, type SamplerOption, type Spacing } from '../../protocol/workbench';
import type { ModelCatalog } from './modelCatalog';
import { sigmaScheduleOf } from './samplerOptions';

/** Asks for a PNG (unless given) and returns the restored form and a note, or undefined when cancelled. */
export async function pickAndRestore(
  current: ParamsForm,
  catalog: ModelCatalog,
  samplers: SamplerOption[],
  uri?: vscode.Uri,
): Promise<{ form: ParamsForm; note: string } | undefined> {
  const file = uri ?? (await vscode.window.showOpenDialog({ filters: { 'PNG images': ['png'] }, openLabel: 'Restore parameters' }))?.[0];
  if (!file) return undefined;
  const bytes = new Uint8Array(await readFile(file.fsPath));
  const restored = restoreFromPngText(readPngText(bytes));
  if (!restored) throw new Error(`${vscode.workspace.asRelativePath(file)} carries no generation parameters (neither Diffusion Lab's nor A1111's).`);
  return toForm(restored, current, catalog, samplers);
}

export function toForm(r: RestoredRun, current: ParamsForm, catalog: ModelCatalog, samplers: SamplerOption[]): { form: ParamsForm; note: string } {
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
  return { form, note: `${notes.join('; ')}.` };
}
