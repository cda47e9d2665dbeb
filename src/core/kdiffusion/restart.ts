// Restart sampling (Xu et al. 2023, arXiv:2306.14878) as A1111 1.10 runs it
// (modules/sd_samplers_extra.py restart_sampler): Heun steps, and from 20 steps on one (≥ 36: two)
// restarts that re-noise from σ ≈ 0.1 back up to σ ≈ 2 and walk down again. For N ≥ 20 the schedule
// is rebuilt as Karras between the given schedule's ends, whatever its type, to leave room for the
// restart steps. A1111 only.
import { karrasSchedule } from './tableSchedules';
import type { KSampler } from './denoiser';
import { addNoise, copy, lincomb, notify, toD } from './stepMath';

const RESTART_MIN_SIGMA = 0.1;
const RESTART_MAX_SIGMA = 2;

const nearestIndex = (sigmas: ArrayLike<number>, target: number) => {
  let best = 0;
  for (let i = 1; i < sigmas.length; i++) if (Math.abs(sigmas[i] - target) < Math.abs(sigmas[best] - target)) best = i;
  return best;
};
const karrasWithZero = (n: number, min: number, max: number) => karrasSchedule(n, min, max);

/** The (σ_from, σ_to) pairs Restart walks, restarts included (one Heun step each). */
export function restartStepList(sigmasIn: ArrayLike<number>): [number, number][] {
  let sigmas: ArrayLike<number> = sigmasIn;
  const steps = sigmas.length - 1;
  let restart: { at: number; steps: number; times: number } | undefined;
  if (steps >= 20) {
    const restartSteps = steps >= 36 ? Math.floor(steps / 4) : 9;
    const times = steps >= 36 ? 2 : 1;
    sigmas = karrasWithZero(steps - restartSteps * times, sigmas[sigmas.length - 2], sigmas[0]);
    restart = { at: nearestIndex(sigmas, RESTART_MIN_SIGMA), steps: restartSteps + 1, times };
  }
  const list: [number, number][] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    list.push([sigmas[i], sigmas[i + 1]]);
    if (!restart || restart.at !== i + 1) continue;
    const maxIdx = nearestIndex(sigmas, RESTART_MAX_SIGMA);
    if (maxIdx >= i + 1) continue;
    const up = karrasWithZero(restart.steps, sigmas[i + 1], sigmas[maxIdx]).slice(0, -1);
    for (let t = 0; t < restart.times; t++) for (let k = 0; k + 1 < up.length; k++) list.push([up[k], up[k + 1]]);
  }
  return list;
}

export const sampleRestart: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  let x = copy(x0);
  let last: number | undefined;
  for (const [step, [from, to]] of restartStepList(sigmas).entries()) {
    if (last !== undefined && last < from) {
      x = addNoise(x, (opts.sNoise ?? 1) * Math.sqrt(from ** 2 - last ** 2), opts, 'restart', last, from);
    }
    const denoised = copy(yield* denoise(x, from));
    const d = toD(x, from, denoised);
    notify(opts.callback, step, to, from, x, denoised);
    const x2 = lincomb([
      [1, x],
      [to - from, d],
    ]);
    x =
      to === 0
        ? x2
        : lincomb([
            [1, x],
            [(to - from) / 2, d],
            [(to - from) / 2, toD(x2, to, yield* denoise(x2, to))],
          ]);
    last = to;
  }
  return x;
};
