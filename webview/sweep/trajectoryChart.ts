// Two cells' latent trajectories compared, drawn with uPlot: the L2 distance between their x̂0 at
// each step on the left axis, both cells' σ (their schedules) overlaid on a log right axis.
import uPlot from 'uplot';
import type { TrajectoryComparison } from '../../src/core/tensor/trajectoryDistance';
import { formatNumber, legendValue, plotTheme, seriesColor, themedAxis } from '../shared/plotTheme';
import { stepAxis } from '../shared/stepAxis';
import { SIGMA_SCALE, sigmaAxis, sigmaLabelHook, sigmaPadding, sigmaScales } from '../shared/sigmaAxis';
import { trajectoryColumns } from './trajectoryData';

const HEIGHT = 260;

/** A chart of one comparison; `names` say which cells A and B are (pairNames). */
export function trajectoryChart(comparison: TrajectoryComparison, names: [string, string]): HTMLElement {
  const element = document.createElement('div');
  element.className = 'trajectory-chart';
  element.setAttribute('role', 'img');
  element.setAttribute(
    'aria-label',
    `L2 distance between the latents of A, ${names[0]}, and B, ${names[1]}, at each step, with both schedules`,
  );
  const theme = plotTheme();
  const value = legendValue();
  const line = (label: string, i: number, scale: string, dash?: number[]): uPlot.Series => ({
    label,
    scale,
    stroke: seriesColor(i),
    width: 1.5,
    dash,
    value,
    spanGaps: true,
    points: { show: false },
  });
  const width = () => Math.max(240, element.clientWidth || 480);
  const chart = new uPlot(
    {
      width: width(),
      height: HEIGHT,
      // The distance from 0, so a small wobble on a large distance does not look like a parting.
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] }, ...sigmaScales },
      padding: sigmaPadding,
      axes: [
        stepAxis(theme, `step (of ${Math.max(...comparison.steps)})`),
        themedAxis(theme, 'L2 distance', { size: 56, values: (_u, vals) => vals.map((v) => formatNumber(v)) }),
        sigmaAxis(theme),
      ],
      series: [
        { label: 'step', value },
        line('x̂0 distance A–B', 2, 'y'),
        line('σ, A', 0, SIGMA_SCALE),
        line('σ, B', 1, SIGMA_SCALE, [6, 4]),
      ],
      hooks: { draw: [sigmaLabelHook('σ (log)', theme)] },
    },
    trajectoryColumns(comparison),
    element,
  );
  new ResizeObserver(() => chart.setSize({ width: width(), height: HEIGHT })).observe(element);
  return element;
}
