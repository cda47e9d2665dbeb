import { f32 } from './float32';
import { alphasCumprod } from './alphasCumprod';

/** Rescales betas so the last timestep has zero SNR (ᾱ_T = 0) while ᾱ_1 keeps its value: with s = √ᾱ,
 * s ← (s − s_T)·s_1/(s_1 − s_T), then back to betas (Lin et al. 2023, "Common Diffusion Noise
 * Schedules and Sample Steps are Flawed", Algorithm 1). Every operation is rounded to float32 as
 * torch does: near t = T the subtraction cancels, so float64 here would differ from diffusers by
 * about 1e-5 relative. The last beta comes out as exactly 1. */
export function rescaleZeroTerminalSnr(betas: ArrayLike<number>): Float64Array {
  const n = betas.length;
  const sqrtAbar = alphasCumprod(betas).map((a) => f32(Math.sqrt(a)));
  const s0 = sqrtAbar[0];
  const sT = sqrtAbar[n - 1];
  const scale = f32(s0 / f32(s0 - sT));
  const abar = sqrtAbar.map((s) => {
    const r = f32(f32(s - sT) * scale);
    return f32(r * r);
  });
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f32(1 - (i === 0 ? abar[0] : f32(abar[i] / abar[i - 1])));
  return out;
}
