// The Brownian tree's per-node float32 arithmetic through brownianBridge.wat: a node's children from its
// increment and its noise, and the sum of a query's increments, four values a turn (a tree step at SD's
// latent size about 30 % shorter than with the JavaScript loops: npm run bench brownianTree). The arrays are
// copied into four slots of the module's memory and out again.
import { fitMemory, wasmModule, type WasmMemory } from '../wasmModule';
import { WASM_BASE64 } from './brownianBridgeWasm';

interface Exports {
  memory: WasmMemory;
  bridge(w: number, z: number, left: number, right: number, bytes: number, a: number, b: number, s: number): void;
  add(into: number, from: number, bytes: number): void;
}

let kernel: Exports | undefined;

/** The module with room for four arrays of `n` floats: the bytes a pass covers (a slot's size) and a view
 * of the memory. */
function slots(n: number): { k: Exports; bytes: number; floats: Float32Array } {
  const k = (kernel ??= wasmModule<Exports>(WASM_BASE64).instance());
  const bytes = Math.ceil(n / 4) * 16;
  fitMemory(k.memory, 4 * bytes);
  return { k, bytes, floats: new Float32Array(k.memory.buffer) };
}

/** left = f(f(f(a·w)·b) + f(s·z)) and right = f(w − left), elementwise (brownianTree.ts bridge). */
export function bridgeChildren(
  w: Float32Array,
  z: Float32Array,
  [a, b, s]: readonly [number, number, number],
  left: Float32Array,
  right: Float32Array,
): void {
  const n = w.length;
  const { k, bytes, floats } = slots(n);
  const slot = bytes / 4;
  floats.set(w, 0);
  floats.set(z, slot);
  k.bridge(0, bytes, 2 * bytes, 3 * bytes, bytes, a, b, s);
  left.set(floats.subarray(2 * slot, 2 * slot + n));
  right.set(floats.subarray(3 * slot, 3 * slot + n));
}

/** into += from, elementwise in float32. */
export function addInto(into: Float32Array, from: Float32Array): void {
  const n = into.length;
  const { k, bytes, floats } = slots(n);
  floats.set(into, 0);
  floats.set(from, bytes / 4);
  k.add(0, bytes, bytes);
  into.set(floats.subarray(0, n));
}
