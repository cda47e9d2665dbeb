// The log σ axis on the right of a uPlot chart, shared by the workbench's step statistics and the
// sweep's trajectory diff. uPlot turns a right axis's label to read top to bottom, so the label is
// drawn upright above the axis instead, and the log axis labels only its powers of ten (uPlot ticks
// 1…9 × 10^k, which crowd).
import uPlot from 'uplot';
import { formatNumber, themedAxis, type PlotTheme } from './plotTheme';

/** The scale σ series use: logarithmic. */
export const SIGMA_SCALE = 'sigma';
export const sigmaScales: uPlot.Scales = { [SIGMA_SCALE]: { distr: 3 } };
/** Room above the plot for the upright label (uPlot's padding: top, right, bottom, left). */
export const sigmaPadding: uPlot.Padding = [22, null, null, null];

export function sigmaAxis(theme: PlotTheme): uPlot.Axis {
  return themedAxis(theme, '', {
    scale: SIGMA_SCALE,
    side: 1,
    size: 56,
    grid: { show: false },
    values: (_u, vals) => vals.map(decadeLabel),
  });
}

/** A log axis's tick text: the powers of ten only. */
export function decadeLabel(v: number): string {
  const exponent = Math.log10(v);
  return Math.abs(exponent - Math.round(exponent)) < 1e-9 ? formatNumber(v) : '';
}

/** A draw hook writing `label` upright above the right axis. */
export function sigmaLabelHook(label: string, theme: PlotTheme): (u: uPlot) => void {
  return (u) => {
    const ctx = u.ctx;
    ctx.save();
    // The canvas is in device pixels; uPlot scales its own fonts the same way.
    ctx.font = theme.font.replace(/([\d.]+)px/, (_m, px: string) => `${Number(px) * uPlot.pxRatio}px`);
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(label, ctx.canvas.width, u.bbox.top - 4);
    ctx.restore();
  };
}
