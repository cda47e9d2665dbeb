// Colours and axis styling for uPlot charts, taken from the VS Code theme so plots follow light,
// dark and high-contrast themes. Shared by every surface that draws a chart.
import type uPlot from 'uplot';

/** Tableau 10: distinguishable in light and dark themes and for most colour-vision deficiencies. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}

export interface PlotTheme {
  foreground: string;
  grid: string;
  background: string;
  font: string;
}

export function plotTheme(): PlotTheme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const family = v('--vscode-font-family', 'sans-serif');
  return {
    foreground: v('--vscode-editor-foreground', '#333'),
    grid: v('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)'),
    background: v('--vscode-editor-background', '#fff'),
    font: `11px ${family}`,
  };
}

/** A themed axis; `label` is drawn beside it. */
export function themedAxis(theme: PlotTheme, label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    label,
    stroke: theme.foreground,
    font: theme.font,
    labelFont: theme.font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    ...extra,
  };
}

/** A series' legend value: at the hovered point, and with the cursor off the plot at point `rest(u)` (by
 * default the last one any series draws: a σ list's final 0 has no place on a log axis), where uPlot would
 * show "–" and leave a legend of dashes. One point for every series, so a row reads as one x; a series
 * with nothing there shows "–". */
export function legendValue(rest: (u: uPlot) => number = lastDrawn) {
  return (u: uPlot, v: number | null, series: number, idx: number | null): string =>
    formatNumber(idx !== null ? v : (u.data[series] as ArrayLike<number | null | undefined>)[rest(u)]);
}

function lastDrawn(u: uPlot): number {
  const drawn = (k: number) => u.data.some((d, s) => s > 0 && d[k] !== null && d[k] !== undefined);
  let k = u.data[0].length - 1;
  while (k > 0 && !drawn(k)) k--;
  return k;
}

/** Compact number text for readouts and tick labels: 4 significant digits, exponent when tiny or huge. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value === 0) return '0';
  // σ at zero terminal SNR.
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}
