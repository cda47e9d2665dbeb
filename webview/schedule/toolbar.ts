// The inspector's controls: sampler and step count, the schedule variants are made from, variant
// toggles, overlay files, export and generate. Plain form controls themed by VS Code's variables.
import type { ExportFormat, ScheduleSource } from '../../src/protocol/schedule';
import { clampSteps, MAX_STEPS, type InspectorState } from './inspectorState';
import { VARIANTS, type VariantId } from './scheduleSeries';
import { label, legend } from '../shared/toolbarLabels';

export interface ToolbarEvents {
  change(state: InspectorState): void;
  addOverlay(): void;
  removeOverlay(id: string): void;
  export(format: ExportFormat): void;
  generate(schedule: string, sampler: string, steps: number): void;
  showOnImage(): void;
}

export class Toolbar {
  readonly element = document.createElement('header');
  private readonly sampler = document.createElement('select');
  private readonly steps = document.createElement('input');
  private readonly primary = document.createElement('select');
  private readonly primaryLabel = label('Variants of', this.primary);
  private readonly variantBoxes = new Map<VariantId, HTMLInputElement>();
  private readonly overlayList = document.createElement('span');
  private readonly generateButton = button('Generate with this schedule', () =>
    this.events.generate(this.state.primary, this.state.sampler, this.state.steps),
  );

  constructor(
    private state: InspectorState,
    samplers: readonly string[],
    private readonly events: ToolbarEvents,
  ) {
    this.element.className = 'toolbar';
    this.sampler.append(option('', 'as configured'), ...samplers.map((s) => option(s, s)));
    this.sampler.value = state.sampler;
    this.sampler.addEventListener('change', () => this.update({ sampler: this.sampler.value }));
    Object.assign(this.steps, { type: 'number', min: '1', max: String(MAX_STEPS), value: String(state.steps) });
    this.steps.addEventListener('change', () => {
      // Disabling the focused box blurs it, and Chromium then sends a change with the count it shows.
      if (this.steps.disabled) return;
      const steps = clampSteps(this.steps.value);
      this.steps.value = String(steps);
      this.update({ steps });
    });
    this.primary.addEventListener('change', () => this.update({ primary: this.primary.value }));
    const variants = document.createElement('fieldset');
    variants.append(legend('Overlay variants'));
    for (const v of VARIANTS) {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = state.variants.includes(v.id);
      box.dataset.variant = v.id;
      box.addEventListener('change', () =>
        this.update({ variants: VARIANTS.map((x) => x.id).filter((id) => this.variantBoxes.get(id)!.checked) }),
      );
      this.variantBoxes.set(v.id, box);
      variants.append(label(v.label, box));
    }
    const overlays = document.createElement('fieldset');
    overlays.append(
      legend('Overlay files'),
      button('Add file…', () => events.addOverlay()),
      this.overlayList,
    );
    const exports = document.createElement('fieldset');
    exports.append(
      legend('Export'),
      ...(['png', 'svg', 'csv'] as const).map((f) => button(f.toUpperCase(), () => events.export(f))),
    );
    const onImage = button(
      'Show on an image…',
      () => events.showOnImage(),
      "See the document's schedules noise an image (the forward process)",
    );
    this.element.append(
      label('Sampler', this.sampler),
      label('Steps', this.steps),
      this.primaryLabel,
      variants,
      overlays,
      exports,
      this.generateButton,
      onImage,
    );
  }

  /** Refresh the parts that depend on the document and overlays. `fixedSteps`: the step count of the chosen
   * schedule where every schedule drawn gives explicit timesteps or σ, which the Steps box then cannot
   * change (it shows that count, disabled). */
  show(names: string[], overlays: ScheduleSource[], fixedSteps?: number): void {
    this.steps.disabled = fixedSteps !== undefined;
    this.steps.value = String(fixedSteps ?? this.state.steps);
    this.steps.title =
      fixedSteps === undefined ? '' : "Set by the schedule's explicit timesteps or σ: one step for each";
    const current = names.includes(this.state.primary) ? this.state.primary : (names[0] ?? '');
    this.primary.replaceChildren(...names.map((n) => option(n, n)));
    this.primary.value = current;
    this.primaryLabel.hidden = names.length < 2;
    this.state = { ...this.state, primary: current };
    this.generateButton.disabled = current === '';
    this.generateButton.title = `Open the generation workbench with "${current}" as the scheduler`;
    this.overlayList.replaceChildren(
      ...overlays.map((o) => {
        const chip = document.createElement('span');
        chip.className = 'chip';
        chip.textContent = o.label;
        chip.append(button('×', () => this.events.removeOverlay(o.id), `Remove overlay ${o.label}`));
        return chip;
      }),
    );
  }

  private update(change: Partial<InspectorState>): void {
    this.state = { ...this.state, ...change };
    this.events.change(this.state);
  }
}

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

function button(text: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}
