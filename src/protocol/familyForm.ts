// What picking a model does to the workbench form, by the model's family (src/core/model/familyDefaults.ts):
// a distilled model (LCM, SD-Turbo, SDXL-Turbo) puts in its own steps, guidance and scheduler, as its model
// card says; any other model brings its guidance and steps only where the form still holds the previous
// model's (a value the user typed is kept).
import { DISTILLED_FAMILIES, FAMILY_NAMES } from '../core/model/familyDefaults';
import type { ModelOption, ParamsForm } from './workbench';

export function isDistilled(model: ModelOption | undefined): model is ModelOption & { steps: number } {
  return !!model?.family && DISTILLED_FAMILIES.includes(model.family) && model.steps !== undefined;
}

/** The fields that change when `model` replaces `previous` in `form`. */
export function modelChanges(
  form: ParamsForm,
  previous: ModelOption | undefined,
  model: ModelOption,
): Partial<ParamsForm> {
  if (isDistilled(model)) {
    const { steps, guidanceScale } = model;
    return { steps: String(steps), guidanceScale: String(guidanceScale), sampler: '', spacing: 'default' };
  }
  const changes: Partial<ParamsForm> = {};
  // A value equal to the previous model's own counts as not set by the user; a distilled model's always does.
  const untouched = (value: string, own: number | undefined) => isDistilled(previous) || Number(value) === own;
  if (untouched(form.guidanceScale, previous?.guidanceScale)) changes.guidanceScale = String(model.guidanceScale);
  if (model.steps !== undefined && untouched(form.steps, previous?.steps)) changes.steps = String(model.steps);
  return changes;
}

/** One line under the model picker: the family, and for a distilled model the settings it was given. */
export function familyHint(model: ModelOption | undefined): string {
  if (!model?.family) return '';
  const name = FAMILY_NAMES[model.family];
  if (!isDistilled(model)) return model.family === 'unknown' ? '' : `${name} model.`;
  const g = model.guidanceScale;
  const guidance =
    model.family === 'lcm'
      ? `guidance ${g} (an LCM takes it as an embedding, not as CFG)`
      : g <= 1
        ? 'guidance off'
        : `guidance ${g}`;
  const steps = `${model.steps} step${model.steps === 1 ? '' : 's'}`;
  const scheduler = model.schedulerLabel ? ` (${model.schedulerLabel})` : '';
  const settings = `its ${steps}, ${guidance} and its own scheduler${scheduler}`;
  return `${name}, distilled: set to ${settings}, as the model card says.`;
}
