// The cells of a sweep, in one fixed order: x varies fastest, then y, then z, so cell k is the same
// run on every machine and a shard is simply the cells with k % n == i.
import type { RunSpec } from './run';
import type { ScheduleEntry } from './schedule';
import type { AxisName, Sweep, SweepAxis } from './sweep';
import { AXIS_FIELDS, type AxisFieldSpec, type AxisValue } from './sweepAxes';

const ORDER: readonly AxisName[] = ['x', 'y', 'z'];

export interface Cell {
  index: number;
  /** Position on each axis the sweep has. */
  at: Partial<Record<AxisName, number>>;
  /** The axis values this cell takes. */
  values: Partial<Record<AxisName, AxisValue>>;
  /** The run; modelDir as the sweep writes it (relative to the sweep file). */
  spec: RunSpec;
  /** A scheduleFile axis value ("file.json" or "file.schedule.json#name"), for the host to apply. */
  scheduleFile?: string;
}

/** A cell's run and schedule file, as its axis values place them. */
export type Placed = Pick<Cell, 'spec' | 'scheduleFile'>;

/** One axis value applied, as every cell applies its values: to the spec, and a schedule file's as the
 * file the host applies after every axis. */
export function placeValue(placed: Placed, axis: SweepAxis, value: AxisValue): Placed {
  const spec = (AXIS_FIELDS[axis.field] as AxisFieldSpec).apply(placed.spec, value, axis.values);
  return axis.field === 'scheduleFile' ? { spec, scheduleFile: value as string } : { ...placed, spec };
}

export function axisLength(sweep: Sweep, name: AxisName): number {
  return sweep.axes[name]?.values.length ?? 1;
}

/** "1 cell", "4 cells": a count of cells as the CLI and the grid report it. */
export function cellsText(n: number): string {
  return `${n} ${n === 1 ? 'cell' : 'cells'}`;
}

export function cellCount(sweep: Sweep): number {
  return ORDER.reduce((n, name) => n * axisLength(sweep, name), 1);
}

/** Cell `index` alone (for shards and large sweeps: no need to expand the rest). */
export function cellAt(sweep: Sweep, index: number): Cell {
  const at: Cell['at'] = {};
  const values: Cell['values'] = {};
  let placed: Placed = { spec: sweep.base };
  let rest = index;
  for (const name of ORDER) {
    const axis = sweep.axes[name];
    const n = axisLength(sweep, name);
    const i = rest % n;
    rest = Math.floor(rest / n);
    if (!axis) continue;
    const value = axis.values[i];
    at[name] = i;
    values[name] = value;
    placed = placeValue(placed, axis, value);
  }
  return { index, at, values, ...placed };
}

/** A schedule file's entry applied to a cell's spec, after every axis: its keys over the spec's scheduler
 * keys, its explicit timesteps or σ in place of the spec's. */
export function withSchedule(spec: RunSpec, entry: ScheduleEntry): RunSpec {
  const { timesteps: _t, sigmas: _s, ...rest } = spec;
  return {
    ...rest,
    scheduler: { ...spec.scheduler, ...entry.config },
    ...(entry.timesteps && { timesteps: entry.timesteps }),
    ...(entry.sigmas && { sigmas: entry.sigmas }),
  };
}

export function expandCells(sweep: Sweep): Cell[] {
  return Array.from({ length: cellCount(sweep) }, (_, k) => cellAt(sweep, k));
}
