// ComfyUI's schedulers (comfy/samplers.py SCHEDULER_HANDLERS, v0.3.77), by `scheduler` name.
import { betaQuantile } from '../schedules/betaQuantile';
import { roundHalfEven } from '../schedules/float32';
import { type SigmaTable, sigmaMax, sigmaMin } from './sigmaTable';
import {
  checkSteps,
  ddimUniformSchedule,
  exponentialSchedule,
  karrasSchedule,
  simpleSchedule,
  timestepLinspaceSchedule,
} from './tableSchedules';

export const COMFY_SCHEDULERS = [
  'simple',
  'sgm_uniform',
  'karras',
  'exponential',
  'ddim_uniform',
  'beta',
  'normal',
  'linear_quadratic',
  'kl_optimal',
] as const;
export type ComfyScheduler = (typeof COMFY_SCHEDULERS)[number];

/** "beta" (Lee et al. 2024, arXiv:2407.12173) ComfyUI's way: timesteps round(Beta⁻¹(1 − i/N; α, β)·(T−1)),
 * i = 0..N−1, repeats dropped (so fewer than N steps can come out), σ read from the table. */
export function comfyBetaSchedule(table: SigmaTable, n: number, alpha = 0.6, beta = 0.6): number[] {
  checkSteps(n, 'beta');
  const T = table.sigmas.length - 1;
  const out: number[] = [];
  let last = -1;
  for (let i = 0; i < n; i++) {
    const t = roundHalfEven(betaQuantile(1 - i / n, alpha, beta) * T);
    if (t !== last) out.push(table.sigmas[t]);
    last = t;
  }
  return [...out, 0];
}

/** "linear_quadratic" (Mochi, genmoai/models infer.py): linear in 1 − σ/σ_max for the first half up to
 * 0.025, then quadratic to 1, scaled by σ_max. */
export function linearQuadraticSchedule(table: SigmaTable, n: number, thresholdNoise = 0.025): number[] {
  checkSteps(n, 'linear_quadratic');
  const scale = sigmaMax(table);
  if (n === 1) return [scale, 0];
  const linearSteps = Math.floor(n / 2);
  const lin = Array.from({ length: linearSteps }, (_, i) => (i * thresholdNoise) / linearSteps);
  const stepDiff = linearSteps - thresholdNoise * n;
  const quadSteps = n - linearSteps;
  const qc = stepDiff / (linearSteps * quadSteps ** 2);
  const lc = thresholdNoise / linearSteps - (2 * stepDiff) / quadSteps ** 2;
  const c = qc * linearSteps ** 2;
  const quad = Array.from({ length: quadSteps }, (_, k) => qc * (linearSteps + k) ** 2 + lc * (linearSteps + k) + c);
  return [...lin, ...quad, 1].map((v) => Math.fround(Math.fround(1 - v) * scale));
}

/** "kl_optimal" (Sabour et al. 2024, "Align Your Steps" appendix; from A1111 PR 15608) ComfyUI's way:
 * tan of N points from atan σ_max to atan σ_min inclusive, then 0. */
export function comfyKlOptimalSchedule(n: number, sMin: number, sMax: number): number[] {
  // ComfyUI divides by N − 1 and returns NaN for one step; refuse instead.
  if (n < 2) throw new RangeError(`kl_optimal: ComfyUI needs at least 2 steps (1 step gives NaN), got ${n}`);
  return [
    ...Array.from({ length: n }, (_, i) => {
      const r = Math.fround(i / (n - 1));
      return Math.fround(Math.tan(r * Math.atan(sMin) + (1 - r) * Math.atan(sMax)));
    }),
    0,
  ];
}

/** σ for ComfyUI's KSampler: scheduler × steps, before any sampler-specific σ drop. */
export function comfySchedule(name: ComfyScheduler, table: SigmaTable, steps: number): number[] {
  switch (name) {
    case 'simple':
      return simpleSchedule(table, steps);
    case 'sgm_uniform':
      return timestepLinspaceSchedule(table, steps, true);
    case 'karras':
      return karrasSchedule(steps, sigmaMin(table), sigmaMax(table));
    case 'exponential':
      return exponentialSchedule(steps, sigmaMin(table), sigmaMax(table));
    case 'ddim_uniform':
      return ddimUniformSchedule(table, steps);
    case 'beta':
      return comfyBetaSchedule(table, steps);
    case 'normal':
      return timestepLinspaceSchedule(table, steps, false);
    case 'linear_quadratic':
      return linearQuadraticSchedule(table, steps);
    case 'kl_optimal':
      return comfyKlOptimalSchedule(steps, sigmaMin(table), sigmaMax(table));
  }
}
