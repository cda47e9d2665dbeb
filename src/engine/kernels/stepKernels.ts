// The WebAssembly fused steps (guidedSteps.wat) and the memory they work in. A step's arrays are copied
// in, each padded to an even length with a zero, and its outputs copied out: copies are memcpy, a few
// microseconds each at SD's [1,4,64,64], against the tens of microseconds the SIMD arithmetic saves.
import { fitMemory, wasmModule } from '../../core/wasmModule';
import { WASM_BASE64 } from './guidedStepsWasm';

interface Exports {
  memory: WebAssembly.Memory;
  affine(...args: number[]): void;
  euler(...args: number[]): void;
  multistep(...args: number[]): void;
  unipc(...args: number[]): void;
}

/** The arrays a kernel reads and writes, by slot. */
export const SLOT = { u: 0, t: 1, x: 2, x0: 3, prev: 4, a: 5, b: 6, c: 7, d: 8 } as const;
const SLOTS = 9;
/** The three sums every kernel stores first (check, squares, sample), as float64. */
const HEADER_BYTES = 32;

let compiled: { instance(): Exports } | undefined;

export class StepKernels {
  readonly run: Exports;
  private floats = new Float32Array(0);
  private sums = new Float64Array(0);
  /** Floats per slot: the length padded to even, then to 16 bytes. */
  private stride = 0;
  private length = 0;

  constructor() {
    this.run = (compiled ??= wasmModule<Exports>(WASM_BASE64)).instance();
  }

  /** Makes room for arrays of `n` floats (growing the memory, which replaces its buffer) and returns the
   * byte count a kernel loops over. */
  fit(n: number): number {
    this.length = n;
    const stride = Math.ceil(n / 4) * 4;
    const needed = HEADER_BYTES + SLOTS * stride * 4;
    const memory = this.run.memory;
    fitMemory(memory, needed);
    if (this.stride !== stride || this.floats.buffer !== memory.buffer) {
      this.stride = stride;
      this.floats = new Float32Array(memory.buffer);
      this.sums = new Float64Array(memory.buffer, 0, 3);
    }
    return Math.ceil(n / 2) * 8;
  }

  /** The byte offset of a slot. */
  at(slot: number): number {
    return HEADER_BYTES + slot * this.stride * 4;
  }

  /** Copies the first fitted-length values of `from` into a slot, with its padding zero (a scheduler's
   * zeros may be longer: multistepCommon.ts zerosFor, and copied whole they ran into the next slots). */
  put(slot: number, from: Float32Array): void {
    const start = this.at(slot) / 4;
    this.floats.set(from.length === this.length ? from : from.subarray(0, this.length), start);
    if (this.length % 2 === 1) this.floats[start + this.length] = 0;
  }

  /** Copies a slot out into `to`. */
  take(slot: number, to: Float32Array): void {
    const start = this.at(slot) / 4;
    to.set(this.floats.subarray(start, start + this.length));
  }

  /** The sums the last kernel stored: the guided values', their squares' and the new sample's. */
  lastSums(): { check: number; squares: number; sample: number } {
    return { check: this.sums[0], squares: this.sums[1], sample: this.sums[2] };
  }
}
