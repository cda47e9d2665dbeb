// σ schedules read off the model's σ table that ComfyUI (comfy/samplers.py) and A1111 1.10
// (modules/sd_schedulers.py) both define, the same way. Each returns N + 1 values ending in 0 unless noted.
import { torchLinspaceF32 } from '../schedules/float32';
import { type SigmaTable, sigmaToT, timestepToSigma } from './sigmaTable';

export function checkSteps(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: steps must be a whole number ≥ 1, got ${n}`);
}

/** "simple": every (T/N)-th σ from the top, σ_{T−1−⌊i·T/N⌋}. */
export function simpleSchedule(table: SigmaTable, n: number): number[] {
  checkSteps(n, 'simple');
  const T = table.sigmas.length;
  return [...Array.from({ length: n }, (_, i) => table.sigmas[T - 1 - Math.floor((i * T) / n)]), 0];
}

/** "ddim_uniform" (ComfyUI) / "DDIM" (A1111): σ at t = 1, 1 + ⌊T/N⌋, … below T, reversed, then 0. The count
 * is ⌈(T−1)/⌊T/N⌋⌉, which is N only when N divides T. */
export function ddimUniformSchedule(table: SigmaTable, n: number): number[] {
  checkSteps(n, 'ddim_uniform');
  const T = table.sigmas.length;
  const ss = Math.max(Math.floor(T / n), 1);
  const out: number[] = [];
  for (let t = 1; t < T; t += ss) out.push(table.sigmas[t]);
  return [...out.reverse(), 0];
}

/** "normal" (linspace of timesteps from t(σ_max) to t(σ_min), N values) and "sgm_uniform" (N + 1 values,
 * last dropped), mapped back to σ log-linearly; float32 torch.linspace as both tools use. */
export function timestepLinspaceSchedule(table: SigmaTable, n: number, sgm: boolean): number[] {
  checkSteps(n, sgm ? 'sgm_uniform' : 'normal');
  const start = sigmaToT(table, table.sigmas[table.sigmas.length - 1]);
  const end = sigmaToT(table, table.sigmas[0]);
  const ts = sgm ? torchLinspaceF32(start, end, n + 1).subarray(0, n) : torchLinspaceF32(start, end, n);
  return [...Array.from(ts, (t) => timestepToSigma(table, t)), 0];
}

/** "karras" (Karras et al. 2022, eq. 5, ρ = 7) between the given ends, then 0, in float32 op by op as
 * k-diffusion's get_sigmas_karras runs on a float32 torch.linspace ramp (the ends' ρ-th roots in float64). */
export function karrasSchedule(n: number, sigmaMin: number, sigmaMax: number, rho = 7): number[] {
  checkSteps(n, 'karras');
  const f = Math.fround;
  const maxInv = sigmaMax ** (1 / rho);
  const span = f(sigmaMin ** (1 / rho) - maxInv);
  return [...Array.from(torchLinspaceF32(0, 1, n), (r) => f(f(f(r * span) + f(maxInv)) ** rho)), 0];
}

/** "exponential": exp of a float32 linspace from ln σ_max to ln σ_min, then 0 (get_sigmas_exponential). */
export function exponentialSchedule(n: number, sigmaMin: number, sigmaMax: number): number[] {
  checkSteps(n, 'exponential');
  const logs = torchLinspaceF32(Math.log(sigmaMax), Math.log(sigmaMin), n);
  return [...Array.from(logs, (v) => Math.fround(Math.exp(v))), 0];
}
