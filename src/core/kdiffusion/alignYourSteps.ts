// Align Your Steps (Sabour et al. 2024, arXiv:2404.14507) 10-step σ tables as A1111 1.10 ships them
// (modules/sd_schedulers.py, from research.nvidia.com/labs/toronto-ai/AlignYourSteps/howto.html), other
// step counts by log-linear interpolation.
import { numpyLinspace } from '../schedules/float32';
import { checkSteps } from './tableSchedules';

export const AYS_SIGMAS = {
  sd15: [14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029],
  sdxl: [14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.38, 0.234, 0.113, 0.029],
} as const;
export type AysModel = keyof typeof AYS_SIGMAS;

/** numpy.interp over ascending xs. */
function interp(x: number, xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]) return ys[i - 1] + ((x - xs[i - 1]) / (xs[i] - xs[i - 1])) * (ys[i] - ys[i - 1]);
  }
  return ys[ys.length - 1];
}

/** N σ then 0: the table itself when N = 11, else N points log-linearly interpolated along it. */
export function alignYourStepsSchedule(n: number, model: AysModel): number[] {
  checkSteps(n, 'align_your_steps');
  const table = AYS_SIGMAS[model];
  if (n === table.length) return [...table.map(Math.fround), 0];
  const xs = numpyLinspace(0, 1, table.length);
  const ys = table.map(Math.log).reverse();
  const out = Array.from(numpyLinspace(0, 1, n), (x) => Math.fround(Math.exp(interp(x, xs, ys)))).reverse();
  return [...out, 0];
}
