// The labelled grid of a sweep: x values across, y values down, one block per z value, each cell
// scaled up nearest-neighbour so small images stay crisp, axis values written above and beside.
import type { PreviewImage } from '../protocol/engine';
import type { AxisName, Sweep } from '../protocol/sweep';
import { valueLabel } from '../protocol/sweepAxes';
import { axisLength } from '../protocol/sweepCells';
import { ADVANCE, drawText, GLYPH_HEIGHT, textWidth } from './bitmapFont';
import { fillRect } from './fillRect';

/** Cells are scaled by a whole factor to about this side (64 px images become 192 px). */
const TARGET_SIDE = 192;
const FONT_SCALE = 2;
const PAD = 8;
const GAP = 4;
const LINE = GLYPH_HEIGHT * FONT_SCALE + PAD;
/** Row labels are cut to this many characters. */
const MAX_ROW_LABEL = 32;
const INK = [0, 0, 0];
const PAPER = 255;
const MISSING = 200;

/** The grid image for a sweep's cells by index; a missing cell is a grey box. */
export function sweepGrid(sweep: Sweep, cells: ReadonlyMap<number, PreviewImage>): PreviewImage {
  const [nx, ny, nz] = (['x', 'y', 'z'] as const).map((a) => axisLength(sweep, a));
  const images = [...cells.values()];
  const side = Math.max(1, ...images.flatMap((c) => [c.width, c.height]));
  const scale = Math.max(1, Math.floor(TARGET_SIDE / side));
  const boxW = Math.max(1, ...images.map((c) => c.width)) * scale;
  const boxH = Math.max(1, ...images.map((c) => c.height)) * scale;
  // Without a y axis there are no row labels (a sweep over x alone, or x and z).
  const rowLabels = sweep.axes.y
    ? Array.from({ length: ny }, (_, i) => cut(valueAt(sweep, 'y', i), MAX_ROW_LABEL))
    : [];
  const left = sweep.axes.y ? PAD + Math.max(...rowLabels.map((l) => textWidth(l, FONT_SCALE))) + PAD : PAD;
  const head = LINE + (sweep.axes.x ? LINE : 0);
  const blockH = head + ny * (boxH + GAP) + PAD;
  const width = left + nx * (boxW + GAP) - GAP + PAD;
  const height = PAD + nz * blockH;
  const grid = { width, height, rgba: new Uint8Array(width * height * 4).fill(PAPER) };
  const columnChars = Math.max(1, Math.floor((boxW + FONT_SCALE) / (ADVANCE * FONT_SCALE)));
  const titleChars = Math.max(1, Math.floor((width - 2 * PAD + FONT_SCALE) / (ADVANCE * FONT_SCALE)));
  for (let z = 0; z < nz; z++) {
    let top = PAD + z * blockH;
    drawText(grid, cut(title(sweep, z), titleChars), PAD, top, FONT_SCALE, INK);
    top += LINE;
    for (let x = 0; x < nx && sweep.axes.x; x++) {
      drawText(grid, cut(valueAt(sweep, 'x', x), columnChars), left + x * (boxW + GAP), top, FONT_SCALE, INK);
    }
    if (sweep.axes.x) top += LINE;
    for (let y = 0; y < ny; y++) {
      const rowTop = top + y * (boxH + GAP);
      if (sweep.axes.y)
        drawText(grid, rowLabels[y], PAD, rowTop + (boxH - GLYPH_HEIGHT * FONT_SCALE) / 2, FONT_SCALE, INK);
      for (let x = 0; x < nx; x++) {
        const cell = cells.get(x + nx * (y + ny * z));
        const at = { x: left + x * (boxW + GAP), y: rowTop };
        if (cell) blit(grid, cell, at, scale);
        else fillRect(grid, at.x, at.y, boxW, boxH, [MISSING, MISSING, MISSING]);
      }
    }
  }
  return grid;
}

/** A block's title: its z value, and which fields run across and down. */
function title(sweep: Sweep, z: number): string {
  const { x, y } = sweep.axes;
  const across = [...(x ? [`x: ${x.field}`] : []), ...(y ? [`y: ${y.field}`] : [])].join(', ');
  const block = sweep.axes.z ? `${sweep.axes.z.field} = ${valueAt(sweep, 'z', z)}` : '';
  return [block, across].filter((p) => p !== '').join('   ') || 'base run';
}

function valueAt(sweep: Sweep, name: AxisName, i: number): string {
  return valueLabel(sweep.axes[name]!.values[i]);
}

function cut(text: string, chars: number): string {
  const c = [...text];
  return c.length <= chars ? text : `${c.slice(0, Math.max(0, chars - 2)).join('')}..`;
}

/** Copies `image` scaled by `scale` (nearest neighbour) with its top-left at `at`: each source row is
 * widened once, a pixel at a time as one 32-bit word, and the rows below it copied from it (per-pixel
 * subarrays cost more than the rest of a sweep's grid). */
function blit(grid: PreviewImage, image: PreviewImage, at: { x: number; y: number }, scale: number): void {
  // The grid's own buffer, made word-aligned by sweepGrid; a cell's may start anywhere.
  const target = new Uint32Array(grid.rgba.buffer, grid.rgba.byteOffset, grid.rgba.length / 4);
  const source = words(image.rgba);
  const rowWords = image.width * scale;
  for (let y = 0; y < image.height * scale; y++) {
    const row = (at.y + y) * grid.width + at.x;
    if (y % scale !== 0) {
      target.copyWithin(row, row - grid.width, row - grid.width + rowWords);
      continue;
    }
    const from = (y / scale) * image.width;
    for (let x = 0; x < rowWords; x++) target[row + x] = source[from + Math.floor(x / scale)];
  }
}

/** RGBA bytes as one 32-bit word a pixel, copied where they do not start on a word boundary. */
function words(rgba: Uint8Array): Uint32Array {
  const own = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice();
  return new Uint32Array(own.buffer, own.byteOffset, own.length / 4);
}
