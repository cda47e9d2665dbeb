import { f32 } from './float32';

/** Fractional training timestep for a noise level: interpolates linearly in log σ between the two
 * neighbouring training timesteps, clamped to [0, T−1] (k-diffusion's sigma_to_t, diffusers'
 * _sigma_to_t). `logSigmas` is ln σ per training timestep in float32, ascending in t. */
export function sigmaToTimestep(sigma: number, logSigmas: ArrayLike<number>): number {
  // numpy 1.x casts the float64 log σ down to the float32 table's dtype, so the comparison and the
  // weight are float32 arithmetic; at the ends of the table that decides e.g. 999 versus 998.99999,
  // which the int64 cast of DPM-Solver's exponential/beta timesteps truncates to 998.
  const logSigma = f32(Math.log(Math.max(sigma, 1e-10)));
  const n = logSigmas.length;
  // Last index whose log σ is ≤ log σ(sigma), as diffusers' cumsum/argmax finds it, capped at n−2.
  let low = 0;
  for (let i = 0; i < n; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  low = Math.min(low, n - 2);
  const lo = logSigmas[low];
  const hi = logSigmas[low + 1];
  const w = Math.min(Math.max(f32(f32(lo - logSigma) / f32(lo - hi)), 0), 1);
  return f32(1 - w) * low + w * (low + 1);
}

/** numpy.interp(x, [0, 1, …, n−1], table): linear interpolation at a fractional index, clamped to the
 * ends. diffusers maps timesteps to σ with it. */
export function interpolateAt(x: number, table: ArrayLike<number>): number {
  const n = table.length;
  if (!(x > 0)) return table[0];
  if (x >= n - 1) return table[n - 1];
  const i = Math.floor(x);
  const f = x - i;
  return f === 0 ? table[i] : table[i] + f * (table[i + 1] - table[i]);
}
