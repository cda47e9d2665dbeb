// The forward view's controls: the t slider with a tick at each schedule's first sampling step, the
// seed, the sampling run whose first step is marked (sampler, spacing, steps), and the strip export.
import type { Spacing } from './scheduleSet';

const SPACINGS: readonly Spacing[] = ['leading', 'trailing', 'linspace'];
import { clampInt, MAX_SEED, type ForwardSpace, type ForwardState } from './viewState';
import { label, legend } from '../shared/toolbarLabels';

/** What changed: t (redraw), the seed (new noise), the sampling run (new first steps), or the space. */
export type ChangeKind = 't' | 'seed' | 'run' | 'space';

export interface ForwardToolbarEvents {
  change(state: ForwardState, what: ChangeKind): void;
  export(): void;
}

export interface Tick {
  t: number | undefined;
  color: string;
  label: string;
}

export class ForwardToolbar {
  readonly element = document.createElement('header');
  private readonly slider = document.createElement('input');
  private readonly tValue = document.createElement('output');
  private readonly ticks = document.createElement('div');
  private readonly description = document.createElement('span');

  constructor(
    private state: ForwardState,
    samplers: readonly string[],
    private readonly events: ForwardToolbarEvents,
  ) {
    this.element.className = 'toolbar';
    Object.assign(this.slider, { type: 'range', min: '0', max: '999', step: '1', value: String(state.t) });
    this.slider.setAttribute('aria-label', 'Timestep t');
    this.slider.addEventListener('input', () => this.setT(Number(this.slider.value)));
    this.tValue.textContent = String(state.t);
    this.ticks.className = 'ticks';
    const track = document.createElement('div');
    track.className = 'track';
    track.append(this.slider, this.ticks);
    const tLabel = document.createElement('label');
    tLabel.className = 't';
    tLabel.append('t ', track, this.tValue);

    const seed = numberInput(state.seed, 0, MAX_SEED, (v) => this.update({ seed: v }, 'seed'));
    const spaces: [ForwardSpace, string][] = [
      ['pixel', 'pixels'],
      ['latent', "model's latents (VAE)"],
    ];
    const space = select(spaces, state.space);
    space.id = 'space';
    space.title = "Noise the pixels by the formula, or the model's VAE latents (encoded, noised, decoded)";
    space.addEventListener('change', () => this.update({ space: space.value as ForwardSpace }, 'space'));
    const sampler = select([['', 'as configured'], ...samplers.map((s): [string, string] => [s, s])], state.sampler);
    sampler.addEventListener('change', () => this.update({ sampler: sampler.value }, 'run'));
    const spacings: [Spacing, string][] = [['', 'as configured'], ...SPACINGS.map((s): [Spacing, string] => [s, s])];
    const spacing = select(spacings, state.spacing);
    spacing.addEventListener('change', () => this.update({ spacing: spacing.value as Spacing }, 'run'));
    const steps = numberInput(state.steps, 1, 1000, (v) => this.update({ steps: v }, 'run'));
    const first = document.createElement('fieldset');
    first.append(legend('First step of'), label('Sampler', sampler), label('Spacing', spacing), label('Steps', steps));
    const exportButton = document.createElement('button');
    exportButton.type = 'button';
    exportButton.textContent = 'Export PNG strip';
    exportButton.addEventListener('click', () => events.export());
    this.description.className = 'description';
    this.element.append(tLabel, label('Seed', seed), first, label('Noise', space), exportButton, this.description);
  }

  /** The slider's range (0..T−1 of the longest schedule) and one tick per schedule's first step. */
  setRange(maxT: number, ticks: readonly Tick[]): void {
    this.slider.max = String(maxT);
    if (this.state.t > maxT) this.setT(maxT);
    this.ticks.replaceChildren(
      ...ticks
        .filter((k) => k.t !== undefined)
        .map((k) => {
          const mark = document.createElement('span');
          mark.style.left = `${(100 * k.t!) / Math.max(1, maxT)}%`;
          mark.style.background = k.color;
          mark.title = `${k.label}: first step at t = ${k.t}`;
          return mark;
        }),
    );
  }

  setT(t: number): void {
    const value = clampInt(t, 0, Number(this.slider.max), this.state.t);
    this.slider.value = String(value);
    this.tValue.textContent = String(value);
    this.update({ t: value }, 't');
  }

  describe(text: string): void {
    this.description.textContent = text;
  }

  private update(change: Partial<ForwardState>, what: ChangeKind): void {
    this.state = { ...this.state, ...change };
    this.events.change(this.state, what);
  }
}

function numberInput(value: number, min: number, max: number, onChange: (value: number) => void): HTMLInputElement {
  const input = document.createElement('input');
  Object.assign(input, { type: 'number', min: String(min), max: String(max), value: String(value) });
  input.addEventListener('change', () => {
    const v = clampInt(input.value, min, max, value);
    input.value = String(v);
    onChange(v);
  });
  return input;
}

function select(options: readonly [string, string][], value: string): HTMLSelectElement {
  const s = document.createElement('select');
  for (const [v, text] of options) {
    s.append(Object.assign(document.createElement('option'), { value: v, textContent: text }));
  }
  s.value = value;
  return s;
}
