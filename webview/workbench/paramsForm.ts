// The parameters form: @vscode-elements controls, each with an inline error line that the shared
// validator (the same one the host runs) fills as the user types, so a bad value is named before
// anything runs. Ctrl/Cmd+Enter generates and Escape cancels from anywhere in the panel. The
// Generate bar stays in view at the bottom of the form; a Generate while runs are going waits in
// the host's queue.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { modelChanges } from '../../src/protocol/familyForm';
import { MICRO_LABELS } from '../../src/protocol/microConditioning';
import {
  SPACINGS,
  validateParams,
  type ModelOption,
  type ParamErrors,
  type ParamsForm,
  type QueueState,
  type RunSchedule,
  type SamplerOption,
  type ViewerPreview,
} from '../../src/protocol/workbench';
import { specSteps } from '../../src/protocol/run';
import { FamilyFields } from './familyFields';
import { overflowMenu } from './overflowMenu';
import './samplerPicker';
import type { SamplerPicker } from './samplerPicker';

type Key = keyof ParamsForm;
/** The value-bearing controls used here all expose `value` and `invalid`. */
type Control = HTMLElement & { value: string; invalid: boolean; disabled: boolean };
export type Button = HTMLElement & { disabled: boolean };

export interface FormHandlers {
  changed(form: ParamsForm): void;
  generate(form: ParamsForm, forever: boolean): void;
  cancel(): void;
  browse(): void;
  rerunFromImage(): void;
  dropSchedule(): void;
}

const FIELDS: { key: Key; label: string; kind: 'textarea' | 'textfield' | 'select' | 'picker'; hint?: string }[] = [
  { key: 'prompt', label: 'Prompt', kind: 'textarea' },
  { key: 'negativePrompt', label: 'Negative prompt', kind: 'textarea' },
  { key: 'modelId', label: 'Model', kind: 'select' },
  { key: 'sampler', label: 'Sampler', kind: 'picker' },
  { key: 'spacing', label: 'Timestep spacing', kind: 'select' },
  { key: 'steps', label: 'Steps', kind: 'textfield' },
  { key: 'guidanceScale', label: 'Guidance scale', kind: 'textfield' },
  { key: 'seed', label: 'Seed', kind: 'textfield', hint: '−1: a new random seed each run' },
  { key: 'subseed', label: 'Variation seed', kind: 'textfield', hint: '−1: random' },
  {
    key: 'subseedStrength',
    label: 'Variation strength',
    kind: 'textfield',
    hint: "0: none; 1: the variation seed's noise",
  },
  { key: 'etaNoiseSeedDelta', label: 'ENSD', kind: 'textfield', hint: "A1111's eta noise seed delta; 0: none" },
  { key: 'width', label: 'Width', kind: 'textfield' },
  { key: 'height', label: 'Height', kind: 'textfield' },
  ...(['originalSize', 'cropTopLeft', 'targetSize'] as const).map((key) => ({
    key,
    label: MICRO_LABELS[key],
    kind: 'textfield' as const,
    hint: 'SDXL micro-conditioning; empty: the default shown',
  })),
  { key: 'batchSize', label: 'Batch size', kind: 'textfield', hint: 'images per run' },
  { key: 'batchCount', label: 'Batch count', kind: 'textfield', hint: 'runs in a row, seeds continuing' },
  { key: 'previewKind', label: 'Step preview', kind: 'select' },
  { key: 'previewEvery', label: 'Preview every', kind: 'textfield', hint: 'steps' },
];

const PREVIEW_LABELS: Record<ViewerPreview, string> = {
  latent: 'Latent (fast)',
  taesd: 'TAESD',
  vae: 'VAE (full decode)',
};

export class ParamsFormView {
  readonly element = document.createElement('form');
  private readonly controls = new Map<Key, Control>();
  /** Select values as set or picked: a select reads back '' until its new options have rendered. */
  private readonly selected = new Map<Key, string>();
  private readonly errorLines = new Map<Key, HTMLElement>();
  private readonly generateButton: Button;
  private readonly foreverButton: Button;
  private readonly cancelButton: Button;
  private readonly queueLine = document.createElement('p');
  private running = false;
  private queue: QueueState = { waiting: 0, forever: false };
  private readonly providerLine = document.createElement('p');
  private models: ModelOption[] = [];
  /** The model the form's values were last set for, to tell a model's default from a typed value. */
  private modelId = '';
  private samplers: SamplerOption[] = [];
  private lastSeed: number | undefined;
  /** A handed-over schedule: shown as a chip, it locks the sampler choices (and steps it fixes). */
  private schedule: RunSchedule | undefined;
  private readonly scheduleChip = document.createElement('div');
  /** The steps typed before a schedule fixed them, given back when it goes. */
  private stepsBeforeSchedule: string | undefined;
  private readonly family = new FamilyFields((key) => this.controls.get(key)! as Control & { placeholder: string });
  /** What the picked sampler is, under the picker. */
  private readonly samplerHint = document.createElement('div');

  constructor(private readonly handlers: FormHandlers) {
    this.element.className = 'params';
    this.element.setAttribute('aria-label', 'Generation parameters');
    for (const field of FIELDS) this.element.append(this.field(field));
    const seedTools = this.row(
      button('Random seed', () => this.setValue('seed', '-1'), true),
      button(
        'Reuse last seed',
        () => this.lastSeed !== undefined && this.setValue('seed', String(this.lastSeed)),
        true,
      ),
    );
    this.controls.get('seed')!.closest('.field')!.append(seedTools);
    this.controls
      .get('modelId')!
      .closest('.field')!
      .append(this.family.hint, this.row(button('Browse…', () => handlers.browse(), true)));
    this.samplerHint.className = 'hint sampler-hint';
    this.picker.after(this.samplerHint);
    fillSelect(
      this.controls.get('spacing')!,
      SPACINGS.map((s) => [s, s === 'default' ? "sampler's default" : s]),
    );
    this.scheduleChip.className = 'schedule-chip';
    this.scheduleChip.setAttribute('role', 'status');
    this.scheduleChip.hidden = true;
    this.controls.get('sampler')!.closest('.field')!.before(this.scheduleChip);
    this.providerLine.className = 'provider';
    this.generateButton = button('Generate', () => this.submit(false));
    this.generateButton.title = 'Generate (Ctrl+Enter); while runs are going, it waits its turn';
    this.foreverButton = button('Generate forever', () => this.submit(true), true);
    this.foreverButton.title = 'Keep generating (seeds continuing) until Cancel';
    this.cancelButton = button('Cancel', () => handlers.cancel(), true);
    this.cancelButton.title = 'Cancel the run and everything queued (Escape)';
    this.cancelButton.disabled = true;
    this.queueLine.className = 'queue';
    this.queueLine.setAttribute('role', 'status');
    const more = overflowMenu(
      [this.foreverButton, button('Re-run from image…', () => handlers.rerunFromImage(), true)],
      'More ways to generate',
    );
    const bar = this.row(this.generateButton, this.cancelButton, more);
    bar.classList.add('generate-bar');
    bar.append(this.queueLine);
    this.element.append(this.providerLine, bar);
    this.element.addEventListener('submit', (e) => e.preventDefault());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.submit(false);
      } else if (e.key === 'Escape' && !this.cancelButton.disabled) {
        e.preventDefault();
        handlers.cancel();
      }
    });
  }

  setChoices(models: ModelOption[], samplers: SamplerOption[]): void {
    this.models = models;
    this.samplers = samplers;
    fillSelect(
      this.controls.get('modelId')!,
      models.map((m) => [m.id, m.label]),
    );
    this.updatePreviewOptions(this.selected.get('modelId')!, this.selected.get('previewKind')!);
    this.picker.setOptions(samplers);
    // New options replace the old ones: select what was selected again.
    this.set('modelId', this.controls.get('modelId')!, this.selected.get('modelId')!);
  }

  setModels(models: ModelOption[], selectId?: string): void {
    const form = this.read();
    this.setChoices(models, this.samplers);
    this.write(form);
    // A browsed-to model is picked as if the user had chosen it, so its defaults are offered too.
    if (selectId && selectId !== form.modelId) this.setValue('modelId', selectId);
  }

  write(form: ParamsForm): void {
    for (const [key, control] of this.controls) {
      if (key !== 'spacing') this.set(key, control, form[key]);
    }
    this.modelId = form.modelId;
    this.updateSamplerOptions(form);
    this.updatePreviewOptions(form.modelId, form.previewKind);
    this.updateFamily();
    this.validate();
  }

  read(): ParamsForm {
    const form = {} as ParamsForm;
    for (const [key, control] of this.controls) form[key] = this.selected.get(key) ?? control.value;
    return form;
  }

  /** Shows a handed-over schedule in place of the sampler picker and spacing; undefined: the form's sampler again. */
  setSchedule(schedule: RunSchedule | undefined): void {
    this.schedule = schedule;
    this.scheduleChip.hidden = !schedule;
    const steps =
      schedule && (schedule.timesteps || schedule.sigmas) ? specSteps({ steps: 0, ...schedule }) : undefined;
    if (schedule) {
      const label = document.createElement('span');
      label.className = 'schedule-label';
      label.textContent = `Schedule: ${schedule.label}`;
      const detail = document.createElement('span');
      detail.className = 'hint';
      const className =
        typeof schedule.scheduler?._class_name === 'string'
          ? schedule.scheduler._class_name
          : "model's scheduler class";
      detail.textContent = `${className}${steps !== undefined ? ` · ${steps} explicit steps (${schedule.timesteps ? 'timesteps' : 'σ'})` : ''}`;
      const drop = button("Use the form's sampler", () => this.handlers.dropSchedule(), true);
      drop.title = 'Drop this schedule and run with the sampler chosen below';
      this.scheduleChip.replaceChildren(label, detail, drop);
      if (steps !== undefined) {
        this.stepsBeforeSchedule ??= this.read().steps;
        this.setValue('steps', String(steps));
      }
    }
    if (steps === undefined && this.stepsBeforeSchedule !== undefined) {
      this.setValue('steps', this.stepsBeforeSchedule);
      this.stepsBeforeSchedule = undefined;
    }
    this.controls.get('sampler')!.closest('.field')!.toggleAttribute('hidden', !!schedule);
    this.updateSamplerOptions(this.read());
    this.controls.get('steps')!.disabled = steps !== undefined;
    this.controls.get('steps')!.title = steps !== undefined ? 'The schedule fixes the step count' : '';
  }

  /** A prompt box, for the tools main.ts attaches to it (token count, unknown words, history). */
  promptBox(key: 'prompt' | 'negativePrompt'): Control & { wrappedElement: HTMLTextAreaElement } {
    return this.controls.get(key) as Control & { wrappedElement: HTMLTextAreaElement };
  }

  /** Adds a section of controls of its own (the init image) above the Generate bar. */
  addSection(section: HTMLElement): void {
    this.providerLine.before(section);
  }

  setRunning(running: boolean): void {
    this.running = running;
    this.updateQueueControls();
  }

  setQueue(queue: QueueState): void {
    this.queue = queue;
    this.updateQueueControls();
  }

  private updateQueueControls(): void {
    const { waiting, forever } = this.queue;
    this.cancelButton.disabled = !this.running && waiting === 0 && !forever;
    this.foreverButton.disabled = forever;
    this.queueLine.textContent = forever
      ? 'Generating forever: Cancel stops.'
      : waiting > 0
        ? `${waiting} run${waiting === 1 ? '' : 's'} waiting.`
        : '';
  }

  setProvider(setting: string, lastUsed?: string): void {
    this.providerLine.textContent = `Execution provider: ${setting}${lastUsed ? ` (last run: ${lastUsed})` : ''}`;
  }

  rememberSeed(seed: number): void {
    this.lastSeed = seed;
  }

  /** Shows errors (the host's, or the local check's); returns whether there were any. */
  showErrors(errors: ParamErrors): boolean {
    for (const [key, line] of this.errorLines) {
      const message = errors[key];
      line.textContent = message ?? '';
      this.controls.get(key)!.invalid = message !== undefined;
    }
    return Object.keys(errors).length > 0;
  }

  private validate(): ParamErrors {
    const { errors } = validateParams(this.read(), { models: this.models, samplers: this.samplers });
    this.showErrors(errors);
    return errors;
  }

  /** Generates as the Generate button does: the first invalid field gets the focus instead. */
  submit(forever: boolean): void {
    const errors = this.validate();
    const first = FIELDS.find((f) => errors[f.key]);
    if (first) this.controls.get(first.key)!.focus();
    else this.handlers.generate(this.read(), forever);
  }

  /** Sets a field as if the user had typed it (checked, and reported as a change). */
  setValue(key: Key, value: string): void {
    this.set(key, this.controls.get(key)!, value);
    this.onInput(key);
  }

  private set(key: Key, control: Control, value: string): void {
    control.value = value;
    if (this.selected.has(key)) this.selected.set(key, value);
  }

  private onInput(key: Key): void {
    if (key === 'sampler') this.updateSamplerOptions(this.read());
    if (key === 'modelId') {
      // A model with another native size: start from its size rather than flag the old one.
      const model = this.models.find((m) => m.id === this.read().modelId);
      if (model && validateParams(this.read(), { models: this.models, samplers: this.samplers }).errors.width) {
        this.set('width', this.controls.get('width')!, String(model.nativeSize));
        this.set('height', this.controls.get('height')!, String(model.nativeSize));
      }
      const previous = this.models.find((m) => m.id === this.modelId);
      const changes = model ? modelChanges(this.read(), previous, model) : {};
      for (const [k, v] of Object.entries(changes)) this.set(k as Key, this.controls.get(k as Key)!, v);
      this.modelId = this.read().modelId;
      this.updatePreviewOptions(this.modelId, this.read().previewKind);
      this.updateSamplerOptions(this.read());
    }
    if (key === 'modelId' || key === 'width' || key === 'height') this.updateFamily();
    this.validate();
    this.handlers.changed(this.read());
  }

  /** The previews the chosen model can make; a choice it cannot make falls back to the latent one. */
  private updatePreviewOptions(modelId: string, current: string): void {
    const kinds = this.models.find((m) => m.id === modelId)?.previews ?? ['latent'];
    const select = this.controls.get('previewKind')!;
    fillSelect(
      select,
      kinds.map((k) => [k, PREVIEW_LABELS[k]]),
    );
    this.set('previewKind', select, kinds.includes(current as ViewerPreview) ? current : 'latent');
  }

  private get picker(): SamplerPicker {
    return this.controls.get('sampler') as unknown as SamplerPicker;
  }

  /** The picker marks what the model cannot run; the spacing is offered only where it acts. */
  private updateSamplerOptions(form: ParamsForm): void {
    const model = this.models.find((m) => m.id === form.modelId);
    this.picker.setModel(model);
    const sampler = this.picker.selectedOption;
    const spacing = this.controls.get('spacing')!;
    const acts = !!sampler?.spacing && !this.schedule;
    this.set('spacing', spacing, acts && SPACINGS.includes(form.spacing as never) ? form.spacing : 'default');
    spacing.closest('.field')!.toggleAttribute('hidden', !acts);
    this.samplerHint.textContent =
      sampler?.id === '' ? (model?.schedulerLabel ?? '') : sampler ? (sampler.detail ?? '') : '';
  }

  private updateFamily(): void {
    this.family.update(
      this.models.find((m) => m.id === this.modelId),
      this.read(),
    );
  }

  private field(f: (typeof FIELDS)[number]): HTMLElement {
    const wrapper = document.createElement('div');
    wrapper.className = `field field-${f.key}`;
    const label = document.createElement('vscode-label');
    label.setAttribute('for', `param-${f.key}`);
    label.textContent = f.label;
    const tag = f.kind === 'picker' ? 'dl-sampler-picker' : `vscode-${f.kind === 'select' ? 'single-select' : f.kind}`;
    const control = document.createElement(tag) as Control;
    control.id = `param-${f.key}`;
    control.setAttribute('name', f.key);
    if (f.kind === 'textarea') control.setAttribute('rows', f.key === 'prompt' ? '3' : '2');
    if (f.kind === 'select') {
      this.selected.set(f.key, '');
      control.addEventListener('change', () => {
        this.selected.set(f.key, control.value);
        this.onInput(f.key);
      });
    } else control.addEventListener(f.kind === 'picker' ? 'change' : 'input', () => this.onInput(f.key));
    const error = document.createElement('div');
    error.className = 'error';
    error.id = `param-${f.key}-error`;
    error.setAttribute('role', 'alert');
    wrapper.append(label, control);
    if (f.hint) {
      const hint = document.createElement('div');
      hint.className = 'hint';
      hint.textContent = f.hint;
      wrapper.append(hint);
    }
    wrapper.append(error);
    this.controls.set(f.key, control);
    this.errorLines.set(f.key, error);
    return wrapper;
  }

  private row(...children: HTMLElement[]): HTMLElement {
    const div = document.createElement('div');
    div.className = 'row';
    div.append(...children);
    return div;
  }
}

export function button(text: string, onClick: () => void, secondary = false): Button {
  const b = document.createElement('vscode-button');
  b.textContent = text;
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

function fillSelect(select: Control, options: [string, string][]): void {
  select.replaceChildren(
    ...options.map(([v, label]) => {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', v);
      o.textContent = label;
      return o;
    }),
  );
}
