// How a sweep's cells are named where a reader cannot hover them: two cells compared (the grid's diff, the
// host's progress), a cell in an error. Types and clip only, so the webview bundle stays small.
import type { AxisName } from './sweep';
import type { SweepView } from './sweepView';
import { clip } from '../core/clip';

/** Two cells named by the axis values that tell them apart (`cell 0 (sampler = Euler a)`), for a
 * comparison's captions and legends: their indexes alone say nothing without a hover. */
export function pairNames(grid: Pick<SweepView, 'axes' | 'shape'>, cells: [number, number]): [string, string] {
  const [nx, ny] = grid.shape;
  const place = (k: number) => ({ x: k % nx, y: Math.floor(k / nx) % ny, z: Math.floor(k / (nx * ny)) });
  const [a, b] = cells.map(place);
  const apart = grid.axes.filter((axis) => a[axis.name] !== b[axis.name]);
  const name = (k: number, at: Record<AxisName, number>) =>
    `cell ${k} (${apart.map((axis) => axisSetting(axis.field, axis.labels[at[axis.name]])).join(', ')})`;
  return [name(cells[0], a), name(cells[1], b)];
}

/** An axis's value in a cell's name, "sampler = Euler a", its value cut to 40 characters: the grid's
 * comparison, and the errors and progress that name a cell. */
export function axisSetting(label: string, value: string): string {
  return `${label} = ${clip(value, 40)}`;
}
