// numpy's SeedSequence (numpy/random/bit_generator.pyx, after M. O'Neill's seed_seq), which torchsde
// uses to give every node of its Brownian tree its own torch seed. All arithmetic is on uint32.

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;

/** `np.random.SeedSequence(entropy, spawn_key=spawnKey, pool_size=poolSize)`: entropy and each
 * spawn-key entry are non-negative integers of any size, split into 32-bit words low word first. */
export class SeedSequence {
  private readonly pool: Uint32Array;

  constructor(entropy: number | bigint, spawnKey: readonly (number | bigint)[] = [], poolSize = 4) {
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new RangeError(`SeedSequence: invalid pool size ${poolSize}`);
    }
    this.pool = new Uint32Array(poolSize);
    mixEntropy(this.pool, assembledEntropy(entropy, spawnKey, poolSize));
  }

  /** `generate_state(nWords)` with dtype uint32. */
  generateState(nWords: number): Uint32Array {
    const state = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let value = (this.pool[i % this.pool.length] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      state[i] = (value ^ (value >>> XSHIFT)) >>> 0;
    }
    return state;
  }
}

/** get_assembled_entropy: the run entropy, zero-padded to the pool size when a spawn key follows
 * (so that spawn keys cannot collide with longer entropy), then the spawn key's words. */
function assembledEntropy(
  entropy: number | bigint,
  spawnKey: readonly (number | bigint)[],
  poolSize: number,
): number[] {
  const run = uint32Words(entropy);
  const spawn = spawnKey.flatMap(uint32Words);
  if (spawn.length > 0) while (run.length < poolSize) run.push(0);
  return [...run, ...spawn];
}

/** _int_to_uint32_array: 0 is one zero word. */
function uint32Words(value: number | bigint): number[] {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`SeedSequence: entropy must be an integer (a bigint beyond 2^53), got ${value}`);
  }
  let n = BigInt(value);
  if (n < 0n) throw new RangeError(`SeedSequence: entropy must be non-negative, got ${n}`);
  const words = [Number(n & 0xffffffffn)];
  for (n >>= 32n; n > 0n; n >>= 32n) words.push(Number(n & 0xffffffffn));
  return words;
}

function mixEntropy(pool: Uint32Array, entropy: readonly number[]): void {
  const hash = hasher();
  for (let i = 0; i < pool.length; i++) pool[i] = hash(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < pool.length; src++) {
    for (let dst = 0; dst < pool.length; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hash(pool[src]));
    }
  }
  for (let src = pool.length; src < entropy.length; src++) {
    for (let dst = 0; dst < pool.length; dst++) pool[dst] = mix(pool[dst], hash(entropy[src]));
  }
}

/** hashmix with its running multiplier. */
function hasher(): (value: number) => number {
  let hashConst = INIT_A;
  return (value) => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    return (v ^ (v >>> XSHIFT)) >>> 0;
  };
}

function mix(x: number, y: number): number {
  const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (r ^ (r >>> XSHIFT)) >>> 0;
}
