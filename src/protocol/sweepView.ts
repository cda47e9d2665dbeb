// Messages between the extension host and the sweep grid webview (custom editor of *.sweep.json).
// The host reads the document and runs the sweep; the webview lays out the grid and fills in each
// cell's image as it arrives. The webview names cells by index, never files.
import type { Severity } from '../core/config/findings';
import type { TrajectoryComparison } from '../core/tensor/trajectoryDistance';
import type { AxisName, Sweep } from './sweep';
import { AXIS_NAMES } from './sweep';
import { AXIS_FIELDS, valueLabel } from './sweepAxes';
import { axisLength, cellAt, cellCount } from './sweepCells';
import { runSamplerLabel } from './runLabels';

export interface SweepViewAxis {
  name: AxisName;
  field: string;
  labels: string[];
}

export interface SweepView {
  axes: SweepViewAxis[];
  /** Length of x, y and z (1 for an axis the sweep lacks): cell k sits at x + nx·(y + ny·z). */
  shape: [number, number, number];
  cellCount: number;
  /** Above the grid's cell limit only the labels are sent; hovers come from this many cells. */
  tips: string[];
}

/** The cells a sweep runs now (by index), at step `step` of `steps`. */
export interface RunningCells {
  cells: number[];
  step: number;
  steps: number;
}

export interface ViewFinding {
  severity: Severity;
  message: string;
}

export type HostToSweep =
  /** The document as read, after every edit (debounced) and on 'ready'; no view while it has errors. */
  | { type: 'sweep'; view?: SweepView; findings: ViewFinding[] }
  /** A finished (or cached) cell's PNG. */
  | { type: 'cell'; index: number; png: Uint8Array }
  /** Forget the images shown (the sweep changed, or its folder holds another sweep). */
  | { type: 'clear' }
  /** The run's state; while cells run, which they are and the step they are at. */
  | { type: 'progress'; running: boolean; text: string; active?: RunningCells }
  /** Two cells' latent trajectories compared step by step, or why they could not be. */
  | { type: 'trajectory'; cells: [number, number]; comparison?: TrajectoryComparison; error?: string };

export type SweepToHost =
  | { type: 'ready' }
  | { type: 'run' }
  | { type: 'cancel' }
  /** Open a finished cell in the workbench (its PNG's parameters restored). */
  | { type: 'open'; index: number }
  /** Run two finished cells again with their latents captured and compare them step by step. */
  | { type: 'trajectory'; cells: [number, number] };

/** Hovers are built for at most this many cells; a larger grid shows labels alone. */
const MAX_TIPS = 10_000;

/** What the grid shows of a sweep: axis labels and each cell's parameters for its hover. */
export function sweepView(sweep: Sweep): SweepView {
  const count = cellCount(sweep);
  const tips = count > MAX_TIPS ? [] : Array.from({ length: count }, (_, k) => cellTip(sweep, k));
  return { ...gridAxes(sweep), cellCount: count, tips };
}

/** The grid's axes with their labels, and its shape. */
export function gridAxes(sweep: Sweep): Pick<SweepView, 'axes' | 'shape'> {
  const axes = AXIS_NAMES.flatMap((name) => {
    const axis = sweep.axes[name];
    return axis ? [{ name, field: AXIS_FIELDS[axis.field].label, labels: axis.values.map(valueLabel) }] : [];
  });
  const shape = AXIS_NAMES.map((n) => axisLength(sweep, n)) as [number, number, number];
  return { axes, shape };
}

function cellTip(sweep: Sweep, index: number): string {
  const cell = cellAt(sweep, index);
  const { spec } = cell;
  const lines = [`cell ${index}`];
  for (const name of AXIS_NAMES) {
    const axis = sweep.axes[name];
    if (axis) lines.push(`${name}: ${AXIS_FIELDS[axis.field].label} = ${valueLabel(cell.values[name]!)}`);
  }
  lines.push(
    `seed ${spec.seed}, ${spec.steps} steps${spec.guidanceScale === undefined ? '' : `, CFG ${spec.guidanceScale}`}`,
  );
  if (spec.toolSampler) lines.push(`sampler ${runSamplerLabel({ spec })}`);
  if (spec.scheduler) lines.push(`scheduler ${valueLabel(spec.scheduler)}`);
  lines.push(`prompt: ${spec.prompt}`);
  return lines.join('\n');
}

/** Host-side check of a message from the webview (the webview is untrusted input). */
export function isSweepMessage(value: unknown): value is SweepToHost {
  const m = value as { type?: unknown; index?: unknown; cells?: unknown } | null;
  const isIndex = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (m?.type === 'open') return isIndex(m.index);
  if (m?.type === 'trajectory') {
    return Array.isArray(m.cells) && m.cells.length === 2 && m.cells.every(isIndex) && m.cells[0] !== m.cells[1];
  }
  return m?.type === 'ready' || m?.type === 'run' || m?.type === 'cancel';
}
