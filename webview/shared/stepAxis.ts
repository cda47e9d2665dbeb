// The step axis of the per-step charts (the workbench's statistics, a sweep's latent comparison): ticks on
// whole steps only, as a run has no step 1.5, however short it is.
import type uPlot from 'uplot';
import { themedAxis, type PlotTheme } from './plotTheme';

/** Tick spacings: whole steps only (uPlot's default would label 1.5, 2.5, … on a short run). */
const STEP_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
/** Fewest pixels between ticks: uPlot's default 50 left a 230 px workbench's chart (90 px of plot) none. */
const STEP_TICK_SPACE = 24;

export function stepAxis(theme: PlotTheme, label: string): uPlot.Axis {
  return themedAxis(theme, label, { incrs: STEP_INCREMENTS, space: STEP_TICK_SPACE });
}
