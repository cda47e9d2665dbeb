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

// sin r = r + r·Σ Sₖ·r²ᵏ and cos r = 1 + Σ Cₖ·r²ᵏ, k = 1…7: Sₖ = (−1)ᵏ/(2k+1)!, Cₖ = (−1)ᵏ/(2k)!.
const [S1, S2, S3, S4, S5, S6, S7] = taylor(1);
const [C1, C2, C3, C4, C5, C6, C7] = taylor(0);

/** (−1)ᵏ/(2k + odd)! for k = 1…7 (the factorials are exact integers in a double). */
function taylor(odd: 0 | 1): number[] {
  return Array.from({ length: 7 }, (_, i) => {
    const n = 2 * (i + 1) + odd;
    let factorial = 1;
    for (let m = 2; m <= n; m++) factorial *= m;
    return (i % 2 === 0 ? -1 : 1) / factorial;
  });
}

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
