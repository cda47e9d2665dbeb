// The per-step viewer: a scrubber over a run's steps, x_t and x̂0 side by side with each latent
// channel as its own tile, the statistics chart, and playback of the steps as an animation. It
// shows the captured steps only (those at the preview cadence); until there is one it says why in
// place of the scrubber: waiting for the first step, or (a palette run) how to get steps captured.
import type { RunStatus, StepFrame } from '../../src/protocol/workbench';
import { formatNumber } from '../shared/plotTheme';
import { channelImage, drawRgba } from '../shared/workbenchPixels';
import { button, type Button } from './paramsForm';
import { StatsChart } from './statsChart';

const PLAY_INTERVAL_MS = 150;

/** What the viewer says in place of its steps while it has none. */
const EMPTY_TEXT: Record<RunStatus, string> = {
  running: 'Waiting for the first step… (the model loads first)',
  done:
    'No steps were captured for this run: a run from the command palette keeps only its images. ' +
    'Press Re-run on an image to make it again here and watch every step.',
  failed: 'The run ended before any step was captured.',
  cancelled: 'The run ended before any step was captured.',
};

/** The steps that carry latents or a preview: the viewer's and the trajectory export's. */
export function capturedFrames(frames: readonly StepFrame[]): StepFrame[] {
  return frames.filter((f) => f.xt !== undefined || f.preview !== undefined);
}

export class StepViewer {
  readonly element = document.createElement('section');
  private frames: StepFrame[] = [];
  private index = 0;
  private timer: number | undefined;
  /** Follow new steps as they arrive while the scrubber sits on the last one. */
  private following = true;
  private readonly scrubber = document.createElement('input');
  private readonly readout = document.createElement('span');
  /** The line shown while there are no frames; the scrubber, tiles and chart show once there are. */
  private readonly empty = document.createElement('p');
  private readonly withFrames: HTMLElement[];
  private readonly playButton: Button;
  private readonly xtTiles = document.createElement('div');
  private readonly x0Tiles = document.createElement('div');
  private readonly preview = document.createElement('canvas');
  private readonly chart = new StatsChart((i) => this.select(i));

  constructor(private readonly onStepChange: (index: number) => void) {
    this.element.className = 'step-viewer';
    this.scrubber.type = 'range';
    this.scrubber.min = '0';
    this.scrubber.id = 'step-scrubber';
    this.scrubber.setAttribute('aria-label', 'Step');
    this.scrubber.addEventListener('input', () => this.select(Number(this.scrubber.value)));
    this.readout.className = 'readout';
    this.readout.setAttribute('aria-live', 'polite');
    this.playButton = button('Play', () => this.togglePlay(), true);
    const scrub = div('scrub', this.playButton, this.scrubber, this.readout);
    this.preview.className = 'preview';
    this.preview.setAttribute('role', 'img');
    this.preview.setAttribute('aria-label', 'x̂0 preview');
    this.xtTiles.className = this.x0Tiles.className = 'tiles';
    const latents = div(
      'latents',
      figure('x_t', this.xtTiles),
      figure('x̂0 (predicted clean latent)', this.preview, this.x0Tiles),
    );
    this.empty.className = 'step-empty';
    this.empty.setAttribute('role', 'status');
    this.withFrames = [scrub, latents, this.chart.element];
    this.element.append(this.empty, ...this.withFrames);
    this.element.addEventListener('keydown', (e) => {
      if (e.key === ' ' && e.target === this.scrubber) {
        e.preventDefault();
        this.togglePlay();
      }
    });
  }

  /** Shows a copy of a run's frames, on step `index` (the last, following new steps, when absent);
   * `status` says what to show while it has none. */
  show(frames: readonly StepFrame[], status: RunStatus, index?: number): void {
    this.stop();
    this.frames = capturedFrames(frames);
    this.empty.textContent = EMPTY_TEXT[status];
    this.following = index === undefined;
    this.chart.show(this.frames);
    this.select(index ?? frames.length - 1);
  }

  /** A new step of the run on view; the caller says so, as the viewer holds its own frames. */
  append(frame: StepFrame): void {
    if (capturedFrames([frame]).length === 0) {
      // Between captures (or in a run that captures none) only the progress moves on.
      if (this.frames.length === 0)
        this.empty.textContent = `Step ${frame.step + 1}/${frame.totalSteps}; waiting for a captured step…`;
      return;
    }
    this.frames.push(frame);
    this.chart.show(this.frames);
    // The first captured step replaces the empty line whichever step was asked for.
    if (this.following || this.frames.length === 1) this.select(this.frames.length - 1);
    else this.updateScrubber();
  }

  get step(): number {
    return this.index;
  }

  select(index: number): void {
    this.showEmpty(this.frames.length === 0);
    if (this.frames.length === 0) return;
    this.index = Math.max(0, Math.min(this.frames.length - 1, Math.round(index)));
    this.following = this.index === this.frames.length - 1;
    this.updateScrubber();
    const f = this.frames[this.index];
    this.readout.textContent = `step ${f.step + 1}/${f.totalSteps} · t ${formatNumber(f.t)} · σ ${formatNumber(f.sigma)} · mean ${formatNumber(f.mean)} · std ${formatNumber(f.std)}`;
    this.element.dataset.step = String(f.step);
    this.drawTiles(this.xtTiles, f.xt, f.latentShape, 'x_t');
    this.drawTiles(this.x0Tiles, f.x0, f.latentShape, 'x̂0');
    if (f.preview) drawRgba(this.preview, f.preview);
    this.preview.hidden = !f.preview;
    this.chart.mark(this.index);
    this.onStepChange(this.index);
  }

  /** The empty line, or the scrubber, tiles and chart: no Play button without steps to play. */
  private showEmpty(empty: boolean): void {
    this.empty.hidden = !empty;
    for (const e of this.withFrames) e.hidden = empty;
  }

  private updateScrubber(): void {
    this.scrubber.max = String(Math.max(0, this.frames.length - 1));
    this.scrubber.value = String(this.index);
    this.scrubber.disabled = this.frames.length < 2;
  }

  private drawTiles(container: HTMLElement, data: Float32Array | undefined, shape: number[], name: string): void {
    const channels = data ? shape[0] : 0;
    while (container.children.length > channels) container.lastElementChild!.remove();
    for (let c = 0; c < channels; c++) {
      const canvas =
        (container.children[c] as HTMLCanvasElement | undefined) ??
        container.appendChild(document.createElement('canvas'));
      const image = channelImage(data!, shape, c);
      drawRgba(canvas, image);
      canvas.title = `${name} channel ${c}: ${formatNumber(image.min)} … ${formatNumber(image.max)}`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', canvas.title);
    }
  }

  private togglePlay(): void {
    if (this.timer !== undefined) return this.stop();
    if (this.frames.length < 2) return;
    if (this.index === this.frames.length - 1) this.select(0);
    this.playButton.textContent = 'Pause';
    this.timer = window.setInterval(() => {
      if (this.index >= this.frames.length - 1) this.stop();
      else this.select(this.index + 1);
    }, PLAY_INTERVAL_MS);
  }

  private stop(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
    this.playButton.textContent = 'Play';
  }
}

function div(className: string, ...children: HTMLElement[]): HTMLElement {
  const d = document.createElement('div');
  d.className = className;
  d.append(...children);
  return d;
}

function figure(caption: string, ...children: HTMLElement[]): HTMLElement {
  const f = document.createElement('figure');
  const c = document.createElement('figcaption');
  c.textContent = caption;
  f.append(c, ...children);
  return f;
}
