// Export a set of uPlot charts as PNG (one image, the charts stacked), SVG (vector, from the charts'
// own scales so it matches the screen) and CSV (long format: plot, series, x, y).
import type uPlot from 'uplot';
import { formatNumber, type PlotTheme } from './plotTheme';

export interface ExportSeries {
  label: string;
  color: string;
  dash?: number[];
}

export interface ExportablePlot {
  title: string;
  xLabel: string;
  yLabel: string;
  logY: boolean;
  /** One per y series of the chart's data, in order. */
  series: ExportSeries[];
  chart: uPlot;
}

const TITLE_HEIGHT = 36;

export function plotsToCsv(plots: ExportablePlot[]): string {
  const lines = ['plot,series,x,y'];
  for (const p of plots) {
    const [xs, ...ys] = p.chart.data;
    ys.forEach((y, s) => {
      for (let i = 0; i < xs.length; i++) {
        const v = y[i];
        if (v === null || v === undefined) continue;
        lines.push(`${csvField(p.title)},${csvField(p.series[s]?.label ?? '')},${xs[i]},${v}`);
      }
    });
  }
  return lines.join('\n') + '\n';
}

export async function plotsToPng(plots: ExportablePlot[], theme: PlotTheme): Promise<Uint8Array> {
  const ratio = window.devicePixelRatio || 1;
  const widths = plots.map((p) => p.chart.ctx.canvas.width);
  const width = Math.max(...widths);
  const height = plots.reduce((h, p) => h + p.chart.ctx.canvas.height + TITLE_HEIGHT * ratio, 0);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  let y = 0;
  for (const p of plots) {
    ctx.fillStyle = theme.foreground;
    ctx.font = `bold ${12 * ratio}px sans-serif`;
    ctx.fillText(p.title, 8 * ratio, y + 14 * ratio);
    ctx.font = `${11 * ratio}px sans-serif`;
    let x = 8 * ratio;
    for (const s of p.series) {
      ctx.fillStyle = s.color;
      ctx.fillRect(x, y + 22 * ratio, 10 * ratio, 8 * ratio);
      ctx.fillStyle = theme.foreground;
      ctx.fillText(s.label, x + 14 * ratio, y + 30 * ratio);
      x += ctx.measureText(s.label).width + 30 * ratio;
    }
    y += TITLE_HEIGHT * ratio;
    ctx.drawImage(p.chart.ctx.canvas, 0, y);
    y += p.chart.ctx.canvas.height;
  }
  return canvasPng(canvas);
}

/** A canvas's pixels as PNG file bytes. */
export async function canvasPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The browser could not encode the PNG.');
  return new Uint8Array(await blob.arrayBuffer());
}

export function plotsToSvg(plots: ExportablePlot[], theme: PlotTheme): string {
  const parts: string[] = [];
  let top = 0;
  let width = 0;
  for (const p of plots) {
    const { svg, height, width: w } = plotSvg(p, theme, top);
    parts.push(svg);
    top += height;
    width = Math.max(width, w);
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top}" viewBox="0 0 ${width} ${top}" font-family="sans-serif" font-size="11">\n` +
    `<rect width="100%" height="100%" fill="${esc(theme.background)}"/>\n${parts.join('\n')}\n</svg>\n`
  );
}

/** One chart in CSS pixels: title, legend, plot box, ticks at the chart's own scale, one path per series. */
function plotSvg(p: ExportablePlot, theme: PlotTheme, top: number): { svg: string; height: number; width: number } {
  const u = p.chart;
  const ratio = window.devicePixelRatio || 1;
  const box = {
    left: u.bbox.left / ratio,
    top: u.bbox.top / ratio,
    width: u.bbox.width / ratio,
    height: u.bbox.height / ratio,
  };
  const y0 = top + TITLE_HEIGHT;
  const out: string[] = [`<g transform="translate(0 ${y0})">`];
  const fg = esc(theme.foreground);
  out.push(`<text x="8" y="${14 - TITLE_HEIGHT}" font-weight="bold" fill="${fg}">${esc(p.title)}</text>`);
  let lx = 8;
  for (const s of p.series) {
    out.push(`<rect x="${lx}" y="${22 - TITLE_HEIGHT}" width="10" height="8" fill="${esc(s.color)}"/>`);
    out.push(`<text x="${lx + 14}" y="${30 - TITLE_HEIGHT}" fill="${fg}">${esc(s.label)}</text>`);
    lx += 14 + s.label.length * 6.5 + 16;
  }
  out.push(
    `<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="none" stroke="${esc(theme.grid)}"/>`,
  );
  const xs = u.scales.x;
  const ys = u.scales.y;
  for (const v of ticks(xs.min!, xs.max!, false)) {
    const x = u.valToPos(v, 'x');
    out.push(
      `<line x1="${x + box.left}" x2="${x + box.left}" y1="${box.top + box.height}" y2="${box.top + box.height + 4}" stroke="${fg}"/>`,
    );
    out.push(
      `<text x="${x + box.left}" y="${box.top + box.height + 16}" text-anchor="middle" fill="${fg}">${formatNumber(v)}</text>`,
    );
  }
  for (const v of ticks(ys.min!, ys.max!, p.logY)) {
    const y = u.valToPos(v, 'y');
    out.push(`<line x1="${box.left - 4}" x2="${box.left}" y1="${y + box.top}" y2="${y + box.top}" stroke="${fg}"/>`);
    out.push(
      `<text x="${box.left - 6}" y="${y + box.top + 4}" text-anchor="end" fill="${fg}">${formatNumber(v)}</text>`,
    );
  }
  out.push(
    `<text x="${box.left + box.width / 2}" y="${box.top + box.height + 32}" text-anchor="middle" fill="${fg}">${esc(p.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(12 ${box.top + box.height / 2}) rotate(-90)" text-anchor="middle" fill="${fg}">${esc(p.yLabel)}</text>`,
  );
  const [xData, ...yData] = u.data;
  yData.forEach((yv, s) => {
    const d: string[] = [];
    let pen = 'M';
    for (let i = 0; i < xData.length; i++) {
      const v = yv[i];
      if (v === null || v === undefined || !Number.isFinite(v) || (p.logY && v <= 0)) {
        pen = 'M';
        continue;
      }
      d.push(`${pen}${(u.valToPos(xData[i], 'x') + box.left).toFixed(2)} ${(u.valToPos(v, 'y') + box.top).toFixed(2)}`);
      pen = 'L';
    }
    const style = p.series[s];
    const dash = style?.dash ? ` stroke-dasharray="${style.dash.join(' ')}"` : '';
    out.push(`<path d="${d.join('')}" fill="none" stroke="${esc(style?.color ?? fg)}" stroke-width="1.5"${dash}/>`);
  });
  out.push('</g>');
  return { svg: out.join('\n'), height: TITLE_HEIGHT + u.height, width: u.width };
}

/** About five round tick values in [min, max]; powers of ten on a log axis. */
export function ticks(min: number, max: number, log: boolean): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return Number.isFinite(min) ? [min] : [];
  if (log && min > 0) {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(min)); e <= Math.floor(Math.log10(max)); e++) out.push(10 ** e);
    return out;
  }
  const raw = (max - min) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A text field of the CSV. A leading = + - @ tab or CR makes spreadsheets read the field as a formula
 * (OWASP, "CSV Injection"): a leading ' keeps it text. Quotes, commas and line breaks get quoting. */
function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
