// Per-step statistics of a run drawn with uPlot: mean and std of x_t and the predicted-noise norm
// on the left axis, the schedule's σ_t on a log right axis. A line marks the step on view; a
// click on the chart moves the scrubber there.
import uPlot from 'uplot';
import type { StepFrame } from '../../src/protocol/workbench';
import { formatNumber, legendValue, plotTheme, seriesColor, themedAxis } from '../shared/plotTheme';
import { stepAxis } from '../shared/stepAxis';
import { SIGMA_SCALE, sigmaAxis, sigmaLabelHook, sigmaPadding, sigmaScales } from '../shared/sigmaAxis';

const HEIGHT = 300;
const SIGMA_LABEL = 'σ_t (log)';

export class StatsChart {
  readonly element = document.createElement('div');
  private chart: uPlot | undefined;
  private marked = 0;

  constructor(private readonly onPick: (index: number) => void) {
    this.element.className = 'stats-chart';
    this.element.setAttribute('role', 'img');
    this.element.setAttribute(
      'aria-label',
      'Per-step statistics: mean and std of x_t, predicted noise norm, and sigma',
    );
    new ResizeObserver(() => this.chart?.setSize({ width: this.width(), height: HEIGHT })).observe(this.element);
  }

  show(frames: StepFrame[]): void {
    const data: uPlot.AlignedData = [
      frames.map((f) => f.step + 1),
      frames.map((f) => finite(f.mean)),
      frames.map((f) => finite(f.std)),
      frames.map((f) => finite(f.noiseNorm)),
      frames.map((f) => (f.sigma > 0 ? f.sigma : null)),
    ];
    if (this.chart) this.chart.setData(data);
    else this.chart = new uPlot(this.options(), data, this.element);
  }

  /** Marks frame `index` (redraws only the marker), and shows its values in the legend unless a hover does. */
  mark(index: number): void {
    this.marked = index;
    this.chart?.redraw(false, false);
    const chart = this.chart;
    if (chart && chart.cursor.idx == null) chart.setLegend({ idxs: chart.series.map(() => null) }, false);
  }

  private options(): uPlot.Options {
    const theme = plotTheme();
    // Off the plot, the legend gives the marked step's values (the step viewer's frame).
    const value = legendValue(() => this.marked);
    const line = (label: string, i: number, scale = 'y'): uPlot.Series => ({
      label,
      scale,
      stroke: seriesColor(i),
      width: 1.5,
      value,
      points: { show: false },
    });
    return {
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: false }, ...sigmaScales },
      padding: sigmaPadding,
      axes: [
        stepAxis(theme, 'step'),
        themedAxis(theme, 'x_t / noise', { size: 56, values: (_u, vals) => vals.map((v) => formatNumber(v)) }),
        sigmaAxis(theme),
      ],
      series: [
        { label: 'step', value },
        line('mean x_t', 0),
        line('std x_t', 1),
        line('‖ε̂‖ (RMS)', 2),
        line('σ_t', 3, SIGMA_SCALE),
      ],
      hooks: {
        draw: [(u) => this.drawMarker(u), sigmaLabelHook(SIGMA_LABEL, theme)],
        ready: [(u) => u.over.addEventListener('click', () => u.cursor.idx != null && this.onPick(u.cursor.idx))],
      },
    };
  }

  private drawMarker(u: uPlot): void {
    const x = u.data[0][this.marked];
    if (x === undefined) return;
    const left = Math.round(u.valToPos(x, 'x', true));
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = getComputedStyle(document.body).getPropertyValue('--vscode-focusBorder').trim() || '#0078d4';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(left, u.bbox.top);
    ctx.lineTo(left, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  private width(): number {
    return Math.max(240, this.element.clientWidth || 480);
  }
}

function finite(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}
