// Where two runs' trajectories part: the L2 distance between their latents at every step, and the σ
// each step's model call saw (the two schedules), for the sweep grid's two-cell diff. The runs come
// one after the other, so the first run's latents are held until the second's arrive; at most
// `maxFloats` of them, so memory stays bounded however long or large the runs.

/** What one step of a run reports (a StepEvent's fields; `latent` is the step's x̂0). */
export interface TrajectoryStep {
  step: number;
  totalSteps: number;
  sigma: number;
  latent: Float32Array;
}

export interface TrajectoryPair {
  stepA: number;
  stepB: number;
  /** ‖latent_A − latent_B‖₂ over the whole latent. */
  distance: number;
}

export interface TrajectoryComparison {
  /** Total steps of run A and run B. */
  steps: [number, number];
  /** σ at each step of A and of B (index = step; null for steps the run skipped, e.g. img2img's first). */
  sigmas: [(number | null)[], (number | null)[]];
  pairs: TrajectoryPair[];
}

/** About 128 MB of float32 latents held from the first run. */
export const DEFAULT_MAX_FLOATS = 32 * 1024 * 1024;

/** The steps compared when runs have different lengths: each step of the shorter run against the
 * longer run's step at the same fraction of the run (so the last steps meet); equal lengths pair
 * step i with step i. */
export function pairSteps(stepsA: number, stepsB: number): [number, number][] {
  const [short, long] = stepsA <= stepsB ? [stepsA, stepsB] : [stepsB, stepsA];
  return Array.from({ length: short }, (_, i) => {
    const j = Math.round(((i + 1) * long) / short) - 1;
    return stepsA <= stepsB ? [i, j] : [j, i];
  });
}

/** `max` of the indices 0…count−1, evenly spread with the last one included (all when count ≤ max). */
export function spreadIndices(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round(((k + 1) * count) / max) - 1);
}

export function l2Distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Takes run A's steps (`addA`), then run B's (`addB`), and gives the distance at each paired step. */
export class TrajectoryDistance {
  private readonly kept = new Map<number, Float32Array>();
  private keepSteps: Set<number> | undefined;
  private readonly sigmas: [(number | null)[], (number | null)[]] = [[], []];
  private readonly totals: [number, number] = [0, 0];
  /** Run A's step each of B's steps is compared with, once B's length is known. */
  private partner: Map<number, number> | undefined;
  private readonly pairs: TrajectoryPair[] = [];

  constructor(private readonly maxFloats = DEFAULT_MAX_FLOATS) {}

  addA(s: TrajectoryStep): void {
    this.record(0, s);
    // Which steps to keep is fixed at A's first step: as many as the budget holds, evenly spread.
    this.keepSteps ??= new Set(spreadIndices(s.totalSteps, Math.max(1, Math.floor(this.maxFloats / s.latent.length))));
    if (this.keepSteps.has(s.step)) this.kept.set(s.step, Float32Array.from(s.latent));
  }

  addB(s: TrajectoryStep): void {
    this.record(1, s);
    this.partner ??= new Map(pairSteps(this.totals[0], s.totalSteps).map(([a, b]) => [b, a]));
    const stepA = this.partner.get(s.step);
    const a = stepA === undefined ? undefined : this.kept.get(stepA);
    if (!a || stepA === undefined) return;
    if (a.length !== s.latent.length) {
      throw new RangeError(`the runs' latents differ in size (${a.length} and ${s.latent.length} values)`);
    }
    this.pairs.push({ stepA, stepB: s.step, distance: l2Distance(a, s.latent) });
    // Each of A's steps meets one of B's at most: what has been compared is not needed again.
    this.kept.delete(stepA);
  }

  result(): TrajectoryComparison {
    const [a, b] = this.totals;
    return { steps: [a, b], sigmas: [[...this.sigmas[0]], [...this.sigmas[1]]], pairs: [...this.pairs] };
  }

  private record(run: 0 | 1, s: TrajectoryStep): void {
    this.totals[run] = s.totalSteps;
    const sigmas = this.sigmas[run];
    while (sigmas.length < s.totalSteps) sigmas.push(null);
    sigmas[s.step] = s.sigma;
  }
}
