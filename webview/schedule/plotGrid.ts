// The inspector's charts: one uPlot per quantity, laid out in a responsive grid. A chart whose
// series are unchanged gets new data in place (cheap); otherwise it is rebuilt.
import uPlot from 'uplot';
import type { ExportablePlot } from '../shared/plotExport';
import { formatNumber, legendValue, plotTheme, themedAxis } from '../shared/plotTheme';

export interface Curve {
  label: string;
  color: string;
  dash?: number[];
  x: ArrayLike<number>;
  /** null leaves a gap (for example σ = 0 on a log axis). */
  y: ArrayLike<number | null>;
}

export interface PlotSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  logY: boolean;
  /** Charts with the same key share a hover cursor. */
  syncKey: string;
  curves: Curve[];
}

interface Chart {
  spec: PlotSpec;
  signature: string;
  chart: uPlot;
  cell: HTMLElement;
}

const HEIGHT = 180;

export class PlotGrid {
  private readonly charts = new Map<string, Chart>();
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(private readonly root: HTMLElement) {
    this.resize.observe(root);
  }

  update(specs: PlotSpec[]): void {
    const keep = new Set(specs.map((s) => s.id));
    for (const [id, c] of this.charts) {
      if (!keep.has(id)) {
        c.chart.destroy();
        c.cell.remove();
        this.charts.delete(id);
      }
    }
    for (const spec of specs) {
      const data = alignedData(spec.curves);
      const signature = JSON.stringify([spec.logY, spec.curves.map((c) => [c.label, c.color, c.dash])]);
      const existing = this.charts.get(spec.id);
      if (existing && existing.signature === signature) {
        existing.spec = spec;
        existing.chart.setData(data);
        continue;
      }
      existing?.chart.destroy();
      const cell = existing?.cell ?? this.newCell(spec);
      cell.querySelector('h2')!.textContent = spec.title;
      const chart = new uPlot(this.options(spec, cell), data, cell.querySelector<HTMLElement>('.chart')!);
      this.charts.set(spec.id, { spec, signature, chart, cell });
    }
    // Keep the DOM order of the specs.
    for (const spec of specs) this.root.append(this.charts.get(spec.id)!.cell);
  }

  exportable(): ExportablePlot[] {
    return [...this.charts.values()].map(({ spec, chart }) => ({
      title: spec.title,
      xLabel: spec.xLabel,
      yLabel: spec.yLabel,
      logY: spec.logY,
      series: spec.curves.map((c) => ({ label: c.label, color: c.color, dash: c.dash })),
      chart,
    }));
  }

  private newCell(spec: PlotSpec): HTMLElement {
    const cell = document.createElement('section');
    cell.className = 'plot';
    cell.dataset.plot = spec.id;
    const title = document.createElement('h2');
    const chart = document.createElement('div');
    chart.className = 'chart';
    cell.append(title, chart);
    this.root.append(cell);
    return cell;
  }

  private options(spec: PlotSpec, cell: HTMLElement): uPlot.Options {
    const theme = plotTheme();
    const value = legendValue();
    return {
      width: this.cellWidth(cell),
      height: HEIGHT,
      cursor: { sync: { key: spec.syncKey }, drag: { x: true, y: false } },
      legend: { live: true },
      scales: { x: { time: false }, y: spec.logY ? { distr: 3 } : {} },
      axes: [
        themedAxis(theme, spec.xLabel),
        themedAxis(theme, spec.yLabel, {
          size: 60,
          values: (_u, vals) => vals.map((v) => (v === null ? '' : formatNumber(v))),
          // On a log axis only powers of ten get a line and a label; uPlot's 2..9 fill the plot with grid.
          ...(spec.logY
            ? {
                filter: decades,
                grid: { stroke: theme.grid, width: 1, filter: decades },
                ticks: { stroke: theme.grid, width: 1, filter: decades },
              }
            : {}),
        }),
      ],
      series: [
        { label: spec.xLabel, value },
        ...spec.curves.map((c) => ({
          label: c.label,
          stroke: c.color,
          width: 1.5,
          dash: c.dash,
          value,
          points: { show: false },
        })),
      ],
    };
  }

  private cellWidth(cell: HTMLElement): number {
    return Math.max(240, Math.floor(cell.clientWidth || this.root.clientWidth / 2));
  }

  private fit(): void {
    for (const c of this.charts.values()) {
      const width = this.cellWidth(c.cell);
      if (width !== c.chart.width) c.chart.setSize({ width, height: HEIGHT });
    }
  }
}

/** uPlot wants one shared x array; curves over the same x share it, others are joined with gaps. */
function alignedData(curves: Curve[]): uPlot.AlignedData {
  if (curves.length === 0) return [[]];
  const x0 = curves[0].x;
  if (curves.every((c) => sameX(c.x, x0))) return [x0 as number[], ...curves.map((c) => c.y as (number | null)[])];
  return uPlot.join(curves.map((c) => [c.x as number[], c.y as (number | null)[]]));
}

/** Keeps the powers of ten among a log axis's splits. */
function decades(_u: uPlot, splits: number[]): (number | null)[] {
  return splits.map((v) => (isPowerOfTen(v) ? v : null));
}

function isPowerOfTen(v: number): boolean {
  const e = Math.log10(v);
  return Math.abs(e - Math.round(e)) < 1e-9;
}

function sameX(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
