import { numel } from '../tensor/tensor';
import { Mt19937 } from './mt19937';
import { fillNormals } from './torchNormals';
import type { NoiseSource } from './noiseSource';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** PyTorch's CPU generator and `torch.randn` (float32), so seed S gives the values of
 * `torch.randn(shape, generator=torch.Generator().manual_seed(S))`; successive calls continue the
 * stream as successive torch calls on one generator do. Ported from PyTorch's
 * aten/src/ATen/native/cpu/DistributionTemplates.h (normal_fill), core/DistributionsHelper.h
 * (normal_distribution) and core/TransformationHelper.h (uniform_real):
 * - ≥ 16 elements: one float uniform (24 bits of a 32-bit draw) per element, then Box-Muller on
 *   blocks of 16 (first 8 as u1, next 8 as u2); when the size is not a multiple of 16 the last 16
 *   elements are drawn again and transformed once more.
 * - < 16 elements: per element a double normal from two 53-bit uniforms (each from two 32-bit
 *   draws), r·cos θ returned and r·sin θ kept for the next small draw, until the seed is reset.
 * PyTorch's AVX2 build evaluates log/sin/cos with vector approximations, so values agree to about
 * 1e-6, not bit for bit. */
export class TorchGenerator implements NoiseSource {
  private readonly engine: Mt19937;
  /** The cached second value of the scalar path (PyTorch's next_double_normal_sample). */
  private cachedNormal: number | undefined;

  /** Seeds as manual_seed does: any integer in [−2⁶³, 2⁶⁴ − 1], negatives taken modulo 2⁶⁴. Only the
   * low 32 bits reach mt19937. */
  constructor(seed: number | bigint) {
    this.engine = new Mt19937(low32(seed));
  }

  /** Where the stream is, as plain data (it crosses threads): `TorchGenerator.at` continues it. */
  position(): GeneratorPosition {
    return { state: Uint32Array.from(this.engine.state), next: this.engine.next, cachedNormal: this.cachedNormal };
  }

  /** A generator that draws what the one at `p` would draw next, independently of it. */
  static at(p: GeneratorPosition): TorchGenerator {
    const g = new TorchGenerator(0);
    g.engine.state.set(p.state);
    g.engine.next = p.next;
    g.cachedNormal = p.cachedNormal;
    return g;
  }

  randn(shape: readonly number[], into?: Float32Array): Float32Array {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new RangeError(`randn: invalid shape [${shape.join(', ')}]`);
    }
    const n = numel(shape);
    if (into && into.length !== n)
      throw new RangeError(`randn: out has ${into.length} values but shape [${shape.join(', ')}] needs ${n}`);
    const out = into ?? new Float32Array(n);
    if (out.length >= 16) fillNormals(this.engine, out);
    else for (let i = 0; i < out.length; i++) out[i] = this.normalDouble();
    return out;
  }

  /** uniform_real<double>(0, 1): the low 53 bits of a 64-bit draw (first 32-bit draw high) over 2⁵³. */
  private uniformDouble(): number {
    const hi = this.engine.nextUint32() & 0x1fffff;
    const lo = this.engine.nextUint32();
    return (hi * TWO_POW_32 + lo) / TWO_POW_53;
  }

  /** normal_distribution<double>: Box-Muller with u1 for the angle and u2 for the radius. */
  private normalDouble(): number {
    if (this.cachedNormal !== undefined) {
      const v = this.cachedNormal;
      this.cachedNormal = undefined;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** mt19937's state words and next index, and the scalar path's cached normal. */
export interface GeneratorPosition {
  readonly state: Uint32Array;
  readonly next: number;
  readonly cachedNormal: number | undefined;
}

function low32(seed: number | bigint): number {
  // Integers beyond 2^53 are accepted as the double they are; pass a bigint to give every bit.
  if (typeof seed === 'number' && !Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const big = BigInt(seed);
  if (big < -(2n ** 63n) || big >= 2n ** 64n) {
    throw new RangeError(`seed ${big} is outside PyTorch's range [-2^63, 2^64 - 1]`);
  }
  return Number(BigInt.asUintN(32, big));
}
