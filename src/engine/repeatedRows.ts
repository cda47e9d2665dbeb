// The rows of a joined UNet call (unetLockstep.ts) that repeat an earlier row bit for bit: runs that start
// alike make the same first call. At one seed, a sweep's A1111 or ComfyUI samplers that start at the
// schedule's largest σ (Euler, Euler a, DPM++ 2M and the other k-diffusion samplers; not A1111's DDIM) call the
// UNet on the same input first, and across a guidance or guidance-rescale axis every cell of a seed does.
// Such a row is computed once and its output copied: on the CPU a row's output depends on that row alone, so
// each copy is what its run gets alone.
import type { Tensor } from '../core/tensor/tensor';

/** A joined call's feeds, one row of each per batch row. */
export interface CallRows {
  input: Tensor<Float32Array>;
  t: Float32Array;
  hidden?: Tensor<Float32Array>;
  added: Record<string, Tensor<Float32Array>>;
}

/** For each row, the first row it repeats (itself where none); undefined where every row is its own, and then
 * nothing is allocated past the feeds' word views (every step of a joined run asks). */
export function firstCopies(rows: CallRows): Int32Array | undefined {
  const n = rows.t.length;
  // The timestep first and the latents next: rows of different runs differ there at the first word.
  const parts = [rows.t, rows.input.data, ...(rows.hidden ? [rows.hidden.data] : [])]
    .concat(Object.values(rows.added).map((x) => x.data))
    .map((data) => new Uint32Array(data.buffer, data.byteOffset, data.length));
  let first: Int32Array | undefined;
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < i; k++) {
      if (first && first[k] !== k) continue;
      if (!parts.every((p) => sameRow(p, p.length / n, i, k))) continue;
      first ??= Int32Array.from({ length: n }, (_, r) => r);
      first[i] = k;
      break;
    }
  }
  return first;
}

/** The feeds of the rows that repeat no other, in order. */
export function distinctRows(rows: CallRows, first: Int32Array): CallRows {
  const keep = [...first.keys()].filter((i) => first[i] === i);
  const pick = (x: Tensor<Float32Array>): Tensor<Float32Array> => ({
    data: gather(x.data, x.data.length / first.length, keep),
    shape: [keep.length, ...x.shape.slice(1)],
  });
  return {
    input: pick(rows.input),
    t: gather(rows.t, 1, keep),
    hidden: rows.hidden && pick(rows.hidden),
    added: Object.fromEntries(Object.entries(rows.added).map(([k, x]) => [k, pick(x)])),
  };
}

/** The distinct rows' output `out` spread to every row, into `into`. */
export function spreadRows(out: Float32Array, first: Int32Array, into: Float32Array): Float32Array {
  const size = into.length / first.length;
  const slot = new Int32Array(first.length);
  let kept = 0;
  first.forEach((f, i) => {
    if (f === i) slot[i] = kept++;
    const from = slot[f] * size;
    into.set(out.subarray(from, from + size), i * size);
  });
  return into;
}

function sameRow(words: Uint32Array, size: number, a: number, b: number): boolean {
  for (let k = 0; k < size; k++) if (words[a * size + k] !== words[b * size + k]) return false;
  return true;
}

function gather(data: Float32Array, size: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, i) => out.set(data.subarray(r * size, (r + 1) * size), i * size));
  return out;
}
