// stepMath.wat's passes over float32 arrays, four values a turn, the same bits as the JavaScript loops they
// replaced (A1111's DPM++ 2M over SD's [1,4,64,64] latents: 51 → 22 µs a model call, npm run bench
// toolSamplers). The arrays are copied into slots of the module's memory and the result out again.
import { fitMemory, wasmModule, type WasmMemory } from '../wasmModule';
import { WASM_BASE64 } from './stepMathWasm';

interface Exports {
  memory: WasmMemory;
  lincomb(count: number, arrays: number, out: number, bytes: number): void;
  eulerAncestral(
    x: number,
    x0: number,
    z: number,
    out: number,
    bytes: number,
    a: number,
    b: number,
    h: number,
    c: number,
    noisy: number,
  ): void;
}

let kernel: Exports | undefined;
/** Views of the module's memory, made again only when growing it replaces its buffer (several passes a step
 * each made two). */
let views: { buffer: ArrayBuffer; floats: Float32Array; doubles: Float64Array } | undefined;

/** The module with room for `bytes`, and float32 and float64 views of its memory. */
function room(bytes: number): { k: Exports; floats: Float32Array; doubles: Float64Array } {
  const k = (kernel ??= wasmModule<Exports>(WASM_BASE64).instance());
  fitMemory(k.memory, bytes);
  const { buffer } = k.memory;
  if (views?.buffer !== buffer) views = { buffer, floats: new Float32Array(buffer), doubles: new Float64Array(buffer) };
  return { k, floats: views.floats, doubles: views.doubles };
}

/** Bytes a pass over `n` floats covers: whole 16-byte blocks. */
const slotBytes = (n: number) => Math.ceil(n / 4) * 16;

/** The arrays' common length: a shorter one would have the pass read the slot's stale values past its end. */
function sameLength(arrays: readonly (Float32Array | undefined)[], n: number): void {
  const odd = arrays.find((a) => a !== undefined && a.length !== n);
  if (odd) throw new RangeError(`step math: an array of ${odd.length} values where ${n} were expected`);
}

/** Σ coefs[k]·arrays[k] elementwise into `out`, summed from 0 in float64 in the terms' order and rounded to
 * float32 once; every array as long as `out`. */
export function lincombInto(
  coefs: readonly number[],
  arrays: readonly Float32Array[],
  out: Float32Array,
): Float32Array {
  const n = out.length;
  sameLength(arrays, n);
  const bytes = slotBytes(n);
  const head = coefs.length * 16;
  const outAt = head + arrays.length * bytes;
  const { k, floats, doubles } = room(outAt + bytes);
  coefs.forEach((c, i) => doubles.fill(c, 2 * i, 2 * i + 2));
  arrays.forEach((a, i) => floats.set(a, (head + i * bytes) / 4));
  k.lincomb(coefs.length, head, outAt, bytes);
  out.set(floats.subarray(outAt / 4, outAt / 4 + n));
  return out;
}

/** An Euler ancestral step into `out`: d = f(0 + a·x + b·x̂0), moved = f(0 + x + h·d), then f(0 + moved + c·z)
 * where there is noise z (f: rounding to float32). */
export function eulerAncestralInto(
  x: Float32Array,
  x0: Float32Array,
  z: Float32Array | undefined,
  [a, b, h, c]: readonly [number, number, number, number],
  out: Float32Array,
): Float32Array {
  const n = out.length;
  sameLength([x, x0, z], n);
  const bytes = slotBytes(n);
  const { k, floats } = room(4 * bytes);
  floats.set(x, 0);
  floats.set(x0, bytes / 4);
  if (z) floats.set(z, (2 * bytes) / 4);
  k.eulerAncestral(0, bytes, 2 * bytes, 3 * bytes, bytes, a, b, h, c, z ? 1 : 0);
  out.set(floats.subarray((3 * bytes) / 4, (3 * bytes) / 4 + n));
  return out;
}
