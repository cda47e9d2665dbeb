// The WebAssembly fused steps (guidedSteps.wat) and the memory they work in, one per run's step buffers
// (stepBuffers.ts). Its slots, of one fixed length, double as the arrays a loop's steps write and then
// read, so a step over them copies nothing: three 64 KB copies a step at SD's [1,4,64,64], about a tenth
// of a fused DDIM step here. An array from elsewhere is copied into a slot, padded with zeros to a multiple of
// four, and a result meant for one is copied out.
import type { ArrayPlace } from '../../core/samplers/scheduler';
import { zerosOf } from '../../core/tensor/tensor';
import { fitMemory, wasmModule } from '../../core/wasmModule';
import { WASM_BASE64 } from './guidedStepsWasm';

interface Exports {
  memory: WebAssembly.Memory;
  affine(...args: number[]): void;
  euler(...args: number[]): void;
  multistep(...args: number[]): void;
  unipc(...args: number[]): void;
  scale(x: number, into: number, bytes: number, c: number, twice: number): void;
}

/** The arrays a kernel reads and writes, by slot: s0 and s1 are the samples a loop alternates between; u and t
 * the UNet output's halves, in0 and in1 its input's. */
export const SLOT = {
  u: 0,
  t: 1,
  x: 2,
  x0: 3,
  prev: 4,
  a: 5,
  b: 6,
  c: 7,
  d: 8,
  s0: 9,
  s1: 10,
  in0: 11,
  in1: 12,
} as const;
/** Slots after SLOT's for a scheduler's per-run arrays (arena()): UniPC's history and samples up to order 2,
 * DPM-Solver++'s history up to order 3. */
const ARENA = 6;
const ARENA_START = Object.keys(SLOT).length;
const SLOTS = ARENA_START + ARENA;
/** What every kernel stores first: two flags (i32) and the sum of squares (float64). */
const HEADER_BYTES = 32;

let compiled: { instance(): Exports } | undefined;

/** The kernels of the last run that ended: a run of the same length takes them, as a new instance (its
 * memory grown and zeroed) costs about 0.3 ms, 15 µs a step over a 20-step run. One is kept, no more. */
let idle: StepKernels | undefined;

/** Kernels of `length`, the idle ones where they fit. */
export function takeKernels(length: number): StepKernels {
  const kept = idle?.length === length ? idle : undefined;
  if (kept) idle = undefined;
  return kept ?? new StepKernels(length);
}

/** Hands kernels back once nothing reads their slots any more: the next run overwrites them. */
export function releaseKernels(kernels: StepKernels): void {
  idle = kernels;
}

export class StepKernels {
  readonly run: Exports;
  /** The bytes a kernel loops over: the length in fours. */
  readonly bytes: number;
  private readonly floats: Float32Array;
  private readonly flags: Int32Array;
  private readonly squares: Float64Array;
  /** Floats per slot: the length padded to a multiple of four (16 bytes, one SIMD lane group). */
  private readonly stride: number;

  /** Slots of `length` floats. The memory is sized here once and never grows, so views of it stay valid. */
  constructor(readonly length: number) {
    this.run = (compiled ??= wasmModule<Exports>(WASM_BASE64)).instance();
    this.stride = Math.ceil(length / 4) * 4;
    fitMemory(this.run.memory, HEADER_BYTES + SLOTS * this.stride * 4);
    this.floats = new Float32Array(this.run.memory.buffer);
    this.flags = new Int32Array(this.run.memory.buffer, 0, 2);
    this.squares = new Float64Array(this.run.memory.buffer, 8, 1);
    this.bytes = this.stride * 4;
  }

  /** The byte offset of a slot. */
  at(slot: number): number {
    return HEADER_BYTES + slot * this.stride * 4;
  }

  /** A slot as an array (zeros at first) that kernels read and write in place. */
  view(slot: number): Float32Array {
    return new Float32Array(this.run.memory.buffer, this.at(slot), this.length);
  }

  /** A slot and the one after it as one array, where they lie end to end (a length divisible by 4). */
  pair(slot: number): Float32Array | undefined {
    const n = this.length;
    return this.stride === n ? new Float32Array(this.run.memory.buffer, this.at(slot), 2 * n) : undefined;
  }

  /** An array for a UNet input of `copies` rows: the in0 (and in1) slots where they lie end to end. */
  inputArray(copies: 1 | 2): Float32Array {
    return (copies === 1 ? this.view(SLOT.in0) : this.pair(SLOT.in0)) ?? new Float32Array(copies * this.length);
  }

  /** x·c into `input` (an inputArray()), once per row it has: scale_model_input's multiply, in the in0 and
   * in1 slots (guidedSteps.wat `scale`), copied out where `input` is not those slots. */
  scaleInput(x: Float32Array, c: number, input: Float32Array): void {
    const n = this.length;
    const twice = input.length === 2 * n;
    this.run.scale(this.read(SLOT.x, x), this.at(SLOT.in0), this.bytes, c, twice ? 1 : 0);
    this.copyOut(SLOT.in0, input.subarray(0, n));
    if (twice) this.copyOut(SLOT.in1, input.subarray(n));
  }

  /** Where a scheduler keeps its per-run arrays (Scheduler.keepArraysIn): the arena's slots, one each, so
   * that kernels read and write them in place; arrays of their own once those run out or for arrays of
   * another length or kind. */
  arena(): ArrayPlace {
    let next = ARENA_START;
    return (like) =>
      like instanceof Float32Array && like.length === this.length && next < SLOTS ? this.view(next++) : zerosOf(like);
  }

  /** `from` itself where it is a slot, else a copy of it in `slot`, which kernels then read in place. */
  slotted(slot: number, from: Float32Array): Float32Array {
    if (this.own(from) !== undefined) return from;
    this.put(slot, from);
    return this.view(slot);
  }

  /** Where a kernel reads `from`: in place where it is a slot, else at `slot` after a copy. */
  read(slot: number, from: Float32Array): number {
    return this.own(from) ?? this.put(slot, from);
  }

  /** Where a kernel writes `to`: in place where it is a slot, else at `slot`, for `copyOut`. */
  write(slot: number, to: Float32Array): number {
    return this.own(to) ?? this.at(slot);
  }

  /** Copies what a kernel wrote at `slot` into `to`, unless it wrote `to` in place. */
  copyOut(slot: number, to: Float32Array): void {
    if (this.own(to) !== undefined) return;
    const start = this.at(slot) / 4;
    to.set(this.floats.subarray(start, start + this.length));
  }

  /** What the last kernel found: whether the UNet output and the new sample were finite, and the sum of the
   * guided values' squares. */
  lastSums(): { finite: boolean; sampleFinite: boolean; squares: number } {
    return { finite: this.flags[0] === 1, sampleFinite: this.flags[1] === 1, squares: this.squares[0] };
  }

  /** The byte offset of `a` where it is one of this memory's slots (or the second half of a `pair()`). */
  private own(a: Float32Array): number | undefined {
    const slotBytes = this.stride * 4;
    const from = a.byteOffset - HEADER_BYTES;
    const isSlot = a.buffer === this.floats.buffer && a.length === this.length && from >= 0 && from % slotBytes === 0;
    return isSlot ? a.byteOffset : undefined;
  }

  /** Copies the first `length` values of `from` into a slot, then zeros to its end (a scheduler's zeros may
   * be longer: multistepCommon.ts zerosFor, and copied whole they ran into the next slots). */
  private put(slot: number, from: Float32Array): number {
    const start = this.at(slot) / 4;
    this.floats.set(from.length === this.length ? from : from.subarray(0, this.length), start);
    this.floats.fill(0, start + this.length, start + this.stride);
    return this.at(slot);
  }
}
