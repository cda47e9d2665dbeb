import { f32 } from './float32';

/** ᾱ_t = ∏_{s≤t} (1 − β_s) (Ho et al. 2020, eq. 4). As torch.cumprod on float32: α = 1 − β rounded to
 * float32, the product accumulated in double and each ᾱ_t stored as float32. */
export function alphasCumprod(betas: ArrayLike<number>): Float64Array {
  const out = new Float64Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= f32(1 - betas[i]);
    out[i] = f32(acc);
  }
  return out;
}
