// The grid image: cells in their places, scaled up without blending, labels drawn, gaps for missing cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PreviewImage } from '../../../src/protocol/engine';
import { parseSweep } from '../../../src/protocol/sweep';
import { drawText, GLYPH_HEIGHT, textWidth } from '../../../src/runs/bitmapFont';
import { sweepGrid } from '../../../src/runs/sweepGrid';

const sweep = parseSweep({
  version: 1,
  base: { modelDir: 'm', prompt: 'p', seed: 1 },
  x: { field: 'steps', values: [1, 2] },
  y: { field: 'guidanceScale', values: [1, 2] },
}).sweep!;

const solid = (rgb: number[]): PreviewImage => ({
  width: 8,
  height: 8,
  rgba: new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : rgb[i % 4])),
});
const COLOURS = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 0],
];

/** Where a colour's pixels lie in the grid: bounding box. */
function boxOf(grid: PreviewImage, rgb: number[]) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++) {
      const i = (y * grid.width + x) * 4;
      if (grid.rgba[i] === rgb[0] && grid.rgba[i + 1] === rgb[1] && grid.rgba[i + 2] === rgb[2]) {
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      }
    }
  }
  return { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

test('cell k sits at column k % nx and row k / nx, scaled whole to about 192 px', () => {
  const grid = sweepGrid(sweep, new Map(COLOURS.map((c, k) => [k, solid(c)])));
  const boxes = COLOURS.map((c) => boxOf(grid, c));
  for (const b of boxes) assert.deepEqual([b.w, b.h], [192, 192]);
  assert.equal(boxes[0].y0, boxes[1].y0);
  assert.ok(boxes[1].x0 > boxes[0].x0 + 192);
  assert.equal(boxes[2].x0, boxes[0].x0);
  assert.ok(boxes[2].y0 > boxes[0].y0 + 192);
  // Labels: ink above the first row and left of the first column.
  const inkAt = (x: number, y: number) =>
    grid.rgba[(y * grid.width + x) * 4] === 0 && grid.rgba[(y * grid.width + x) * 4 + 2] === 0;
  const inkAbove = Array.from({ length: boxes[0].y0 }, (_, y) => y).some((y) => inkAt(boxes[0].x0 + 2, y));
  const inkLeft = Array.from({ length: boxes[0].x0 }, (_, x) => x).some((x) => inkAt(x, boxes[0].y0 + 96));
  assert.ok(inkAbove && inkLeft);
});

test('each pixel of a cell becomes a whole block of its own colour, wherever its bytes start in their buffer', () => {
  // 8×8, every pixel its own colour; the bytes one past the start of their buffer (as a slice of a message).
  const bytes = new Uint8Array(1 + 8 * 8 * 4);
  const cell = { width: 8, height: 8, rgba: bytes.subarray(1) };
  cell.rgba.forEach((_, i) => (cell.rgba[i] = i % 4 === 3 ? 255 : i % 4 === 0 ? 1 + (i >> 2) : 7 * (i >> 2)));
  const grid = sweepGrid(sweep, new Map([[0, cell]]));
  const corner = boxOf(grid, [1, 0, 0]);
  assert.deepEqual([corner.w, corner.h], [24, 24]);
  for (let y = 0; y < 192; y++) {
    for (let x = 0; x < 192; x++) {
      const g = ((corner.y0 + y) * grid.width + corner.x0 + x) * 4;
      const s = (Math.floor(y / 24) * 8 + Math.floor(x / 24)) * 4;
      assert.deepEqual([...grid.rgba.subarray(g, g + 4)], [...cell.rgba.subarray(s, s + 4)], `grid pixel ${x},${y}`);
    }
  }
});

test('a missing cell leaves an opaque grey box', () => {
  const grid = sweepGrid(sweep, new Map([[0, solid(COLOURS[0])]]));
  const grey = boxOf(grid, [200, 200, 200]);
  assert.deepEqual([grey.w, grey.h], [192 * 2 + 4, 192 * 2 + 4]);
  assert.equal(grid.rgba[(grey.y0 * grid.width + grey.x0) * 4 + 3], 255);
});

test('the font draws every glyph 5 pixels wide and 7 high, lower case as capitals', () => {
  const image = { width: 40, height: 10, rgba: new Uint8Array(40 * 10 * 4) };
  drawText(image, 'aB', 1, 1, 1, [255, 255, 255]);
  const upper = { width: 40, height: 10, rgba: new Uint8Array(40 * 10 * 4) };
  drawText(upper, 'AB', 1, 1, 1, [255, 255, 255]);
  assert.deepEqual(image.rgba, upper.rgba);
  assert.equal(textWidth('AB', 2), 22);
  const rows = new Set<number>();
  for (let i = 0; i < image.rgba.length; i += 4) if (image.rgba[i]) rows.add(Math.floor(i / 4 / 40));
  assert.equal(rows.size, GLYPH_HEIGHT);
});

test('every glyph stays inside its 5×7 cell, and unknown characters draw as "?"', () => {
  const draw = (c: string) => {
    const image = { width: 7, height: 9, rgba: new Uint8Array(7 * 9 * 4) };
    drawText(image, c, 0, 0, 1, [255, 255, 255]);
    return image.rgba;
  };
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;-+=/\\_()[]{}<>#%\'"*?!&@|~') {
    const ink = draw(c);
    const outside = [...Array(7 * 9).keys()].filter((p) => ink[p * 4] && (p % 7 >= 5 || Math.floor(p / 7) >= 7));
    assert.deepEqual(outside, [], `glyph ${c}`);
    assert.ok(
      ink.some((v) => v > 0),
      `glyph ${c} has ink`,
    );
  }
  assert.deepEqual(draw('é'), draw('?'));
});

test('a sweep over fewer axes lays out its cells without the missing axes: x alone, y alone, x and z, none', () => {
  const base = { version: 1, base: { modelDir: 'm', prompt: 'p', seed: 1 } };
  const steps = { field: 'steps', values: [1, 2] };
  const guidance = { field: 'guidanceScale', values: [1, 2] };
  type Boxes = ReturnType<typeof boxOf>[];
  const cases: [string, Record<string, unknown>, number, (b: Boxes) => boolean][] = [
    ['x alone: one row', { x: steps }, 2, (b) => b[0].y0 === b[1].y0 && b[1].x0 > b[0].x0 + 192],
    ['y alone: one column', { y: steps }, 2, (b) => b[0].x0 === b[1].x0 && b[1].y0 > b[0].y0 + 192],
    ['x and z: a row per block', { x: steps, z: guidance }, 4, (b) => b[0].y0 === b[1].y0 && b[2].y0 > b[0].y0 + 192],
    ['no axis: the base run alone', {}, 1, () => true],
  ];
  for (const [name, axes, count, placed] of cases) {
    const parsed = parseSweep({ ...base, ...axes });
    assert.ok(parsed.sweep, `${name}: ${JSON.stringify(parsed)}`);
    const cells = new Map(COLOURS.slice(0, count).map((c, k) => [k, solid(c)]));
    const grid = sweepGrid(parsed.sweep, cells);
    const boxes = [...cells.keys()].map((k) => boxOf(grid, COLOURS[k]));
    assert.ok(boxes.every((b) => b.w === 192 && b.h === 192) && placed(boxes), `${name}: ${JSON.stringify(boxes)}`);
  }
});
