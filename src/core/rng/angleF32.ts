// r·cos θ and r·sin θ with cos and sin rounded to float32, for the Box–Muller pairs of the seeded
// generator (torchGenerator.ts): θ = 2π·u with u one of its 2²⁴ uniforms, so θ ∈ [0, 2π). Math.cos
// and Math.sin took ~25 ns a pair there. Here θ is reduced once to |r| ≤ π/4 by a multiple of π/2
// (Cody–Waite, fdlibm's two-part π/2), sin r and cos r are Taylor polynomials to r¹⁵ and r¹⁴ (within
// 2e-15 of libm), and the quadrant picks and signs them by arithmetic, not branches, which a random
// quadrant would mispredict: ~15 ns a pair. Every one of the 2²⁴ angles rounds to the float32 that
// Math.cos and Math.sin give (test/unit/core/rng/angleF32.test.ts checks them all).

const PIO2_HI = 1.5707963267341256;
const PIO2_LO = 6.077100506506192e-11;
const TWO_OVER_PI = 0.6366197723675814;

// (−1)ᵏ/(2k+1)! and (−1)ᵏ/(2k)! for k = 1…7.
const S1 = -1 / 6;
const S2 = 1 / 120;
const S3 = -1 / 5040;
const S4 = 1 / 362880;
const S5 = -1 / 39916800;
const S6 = 1 / 6227020800;
const S7 = -1 / 1307674368000;
const C1 = -1 / 2;
const C2 = 1 / 24;
const C3 = -1 / 720;
const C4 = 1 / 40320;
const C5 = -1 / 3628800;
const C6 = 1 / 479001600;
const C7 = -1 / 87178291200;

/** data[cosAt] = r·cos θ and data[sinAt] = r·sin θ, each of cos and sin rounded to float32 first
 * (as Math.fround(Math.cos(θ)) would be), for θ ∈ [0, 2π). */
export function polarF32(data: Float32Array, cosAt: number, sinAt: number, r: number, theta: number): void {
  const k = Math.floor(theta * TWO_OVER_PI + 0.5);
  const x = theta - k * PIO2_HI - k * PIO2_LO;
  const z = x * x;
  const s = x + x * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * (S6 + z * S7))))));
  const c = 1 + z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * (C6 + z * C7))))));
  // Quadrant k mod 4: cos θ is c, −s, −c, s and sin θ is s, c, −s, −c; 1·v + 0·w is v exactly.
  const odd = k & 1;
  const even = 1 - odd;
  data[cosAt] = r * Math.fround((1 - ((k + 1) & 2)) * (odd * s + even * c));
  data[sinAt] = r * Math.fround((1 - (k & 2)) * (odd * c + even * s));
}
