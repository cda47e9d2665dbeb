// What the multistep ODE solvers (DPM-Solver, DPM-Solver++, UniPC, DEIS) share: the VP coefficients
// of each σ, the history of converted outputs and the weighted sums they step with. Every update is
// a linear combination of the sample, past outputs and noise with per-step scalar weights, so the
// hot loop is `scaleInto` plus a few `addScaled` passes.
import { zerosOf, type FloatArray } from '../tensor/tensor';
import type { ArrayPlace } from './scheduler';

/** α_t = 1/√(σ²+1), σ_t = σ·α_t and λ = log α_t − log σ_t of each σ, rounded to float32 at each
 * operation as diffusers computes them on float32 tensors (λ differences set the step sizes). */
export interface VpTable {
  readonly alpha: Float64Array;
  readonly sigma: Float64Array;
  readonly lambda: Float64Array;
}

export function vpTable(sigmas: Float64Array): VpTable {
  const f = Math.fround;
  const alpha = sigmas.map((s) => f(1 / f(Math.sqrt(f(f(s * s) + 1)))));
  const sigma = sigmas.map((s, i) => f(s * alpha[i]));
  const lambda = alpha.map((a, i) => f(f(Math.log(a)) - f(Math.log(sigma[i]))));
  return { alpha, sigma, lambda };
}

/** out = c·x; with `f32` the sample and the product are rounded to float32, as DPM-Solver's
 * `step()` casts the sample to float32 and multiplies it by a float32 scalar. */
export function scaleInto(out: FloatArray, c: number, x: FloatArray, f32 = false): void {
  if (!f32) {
    for (let i = 0; i < out.length; i++) out[i] = c * x[i];
    return;
  }
  const c32 = Math.fround(c);
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(c32 * Math.fround(x[i]));
}

/** out = c₀·x + Σ cₖ·aₖ: scaleInto, then addScaled per term, with the same values (each partial sum
 * rounded to out's type as those passes store it; terms of weight 0 drop out) but in one pass over
 * float32 arrays for up to three terms (UniPC's order-2 corrector has three), where a pass per term
 * would read and write out each time. */
export function combineInto(
  out: FloatArray,
  c0: number,
  x: FloatArray,
  terms: readonly (readonly [number, FloatArray])[],
  f32 = false,
): void {
  const used = terms.filter(([c]) => c !== 0);
  if (used.length > 3 || !(out instanceof Float32Array) || !(x instanceof Float32Array)) {
    scaleInto(out, c0, x, f32);
    for (const [c, a] of used) addScaled(out, c, a);
    return;
  }
  // A missing term adds 0·0: zero, where 0·a would turn an infinite a into NaN.
  const none = zerosFor(out.length);
  const [[c1, a1], [c2, a2], [c3, a3]] = [0, 1, 2].map((k) => used[k] ?? ([0, none] as const));
  const k0 = f32 ? Math.fround(c0) : c0;
  if (used.length === 3) sum3(out, k0, x, c1, a1, c2, a2, c3, a3);
  else sum2(out, k0, x, c1, a1, c2, a2);
}

// Two loops rather than one with a third zero term: that term's reads cost a two-term sum ~10%.
function sum2(out: Float32Array, k0: number, x: Float32Array, c1: number, a1: FloatArray, c2: number, a2: FloatArray) {
  const f = Math.fround;
  for (let i = 0; i < out.length; i++) out[i] = f(f(f(k0 * x[i]) + c1 * a1[i]) + c2 * a2[i]);
}

function sum3(
  out: Float32Array,
  k0: number,
  x: Float32Array,
  c1: number,
  a1: FloatArray,
  c2: number,
  a2: FloatArray,
  c3: number,
  a3: FloatArray,
) {
  const f = Math.fround;
  for (let i = 0; i < out.length; i++) out[i] = f(f(f(f(k0 * x[i]) + c1 * a1[i]) + c2 * a2[i]) + c3 * a3[i]);
}

let zeros = new Float32Array(0);

/** n zeros (or more), shared: never write them. */
export function zerosFor(n: number): Float32Array {
  if (zeros.length < n) zeros = new Float32Array(n);
  return zeros;
}

/** out += c·a (skipped when c is 0, which is how unused terms of an update drop out). */
export function addScaled(out: FloatArray, c: number, a: FloatArray): void {
  if (c === 0) return;
  for (let i = 0; i < out.length; i++) out[i] += c * a[i];
}

/** Arrays of their own. */
export const ownArrays: ArrayPlace = (like) => zerosOf(like);

/** `a`'s values in an array from `place`. */
export function moved(a: FloatArray, place: ArrayPlace): FloatArray {
  const b = place(a);
  b.set(a);
  return b;
}

/** The last `capacity` converted model outputs, newest first, in buffers allocated once, of the sample's
 * kind: float32 runs keep them in float32, as diffusers keeps model_outputs in the model's dtype (and
 * the update loops then see one array type and half the bytes). */
export class OutputHistory {
  private slots: FloatArray[];
  private newest = -1;
  /** How many outputs have been pushed since the last reset, at most the capacity. */
  count = 0;

  constructor(capacity: number, like: FloatArray, place: ArrayPlace = ownArrays) {
    this.slots = Array.from({ length: capacity }, () => place(like));
  }

  /** The outputs moved into arrays from `place`, as they are. */
  moveTo(place: ArrayPlace): void {
    this.slots = this.slots.map((a) => moved(a, place));
  }

  get size(): number {
    return this.slots[0].length;
  }

  /** Whether this history holds outputs for samples like `x` (same kind and length). */
  fits(x: FloatArray): boolean {
    return this.slots[0].length === x.length && this.slots[0].constructor === x.constructor;
  }

  /** The buffer for the next output; it overwrites the oldest one. */
  push(): FloatArray {
    this.newest = (this.newest + 1) % this.slots.length;
    this.count = Math.min(this.count + 1, this.slots.length);
    return this.slots[this.newest];
  }

  /** The k-th newest output (0 is the newest). */
  get(k: number): FloatArray {
    return this.slots[(this.newest - k + this.slots.length) % this.slots.length];
  }

  reset(): void {
    this.newest = -1;
    this.count = 0;
  }
}
