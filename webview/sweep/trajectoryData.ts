// The trajectory comparison as chart columns: x in steps of the longer run (a shorter run's steps
// placed at the same fraction of the run, where pairSteps compares them), then the distance and
// each run's σ, null where a series has no point.
import type { TrajectoryComparison } from '../../src/core/tensor/trajectoryDistance';

export type TrajectoryColumns = [number[], (number | null)[], (number | null)[], (number | null)[]];

export function trajectoryColumns(c: TrajectoryComparison): TrajectoryColumns {
  const longest = Math.max(...c.steps);
  const aIsLonger = c.steps[0] >= c.steps[1];
  const at = (step: number, total: number) => Number((((step + 1) * longest) / total).toPrecision(12));
  const points = new Map<number, [number | null, number | null, number | null]>();
  const put = (x: number, column: 0 | 1 | 2, v: number) => {
    const row = points.get(x) ?? [null, null, null];
    row[column] = v;
    points.set(x, row);
  };
  for (const p of c.pairs) put((aIsLonger ? p.stepA : p.stepB) + 1, 0, p.distance);
  c.sigmas.forEach((sigmas, run) =>
    sigmas.forEach((sigma, step) => {
      // σ = 0 (a final step's target) has no place on a log axis.
      if (sigma !== null && sigma > 0) put(at(step, c.steps[run]), run === 0 ? 1 : 2, sigma);
    }),
  );
  const xs = [...points.keys()].sort((a, b) => a - b);
  return [xs, ...([0, 1, 2] as const).map((k) => xs.map((x) => points.get(x)![k]))] as TrajectoryColumns;
}

/** The step where the distance first reaches half its largest value: roughly where the runs part. */
export function partingStep(columns: TrajectoryColumns): number | undefined {
  const [xs, distances] = columns;
  const largest = Math.max(0, ...distances.map((d) => d ?? 0));
  if (largest === 0) return undefined;
  const k = distances.findIndex((d) => d !== null && d >= largest / 2);
  return xs[k];
}
