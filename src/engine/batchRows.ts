// Feeding exports with a fixed batch size: the rows of a batch go in groups of exactly that size,
// the last group filled up with copies of its last row (whose outputs are then dropped).
import type { FloatArray } from '../core/tensor/tensor';

/** `count` rows of `rowSize` values from row `start`, repeating the last row past the end. */
export function rowsPadded(data: FloatArray, rowSize: number, start: number, count: number): Float32Array {
  const rows = data.length / rowSize;
  if (start + count <= rows && data instanceof Float32Array)
    return data.subarray(start * rowSize, (start + count) * rowSize);
  const out = new Float32Array(count * rowSize);
  for (let r = 0; r < count; r++) {
    const from = Math.min(start + r, rows - 1) * rowSize;
    out.set(data.subarray(from, from + rowSize), r * rowSize);
  }
  return out;
}
