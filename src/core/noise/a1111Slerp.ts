const f32 = Math.fround;

/** A1111's variation-seed blend, `slerp(val, low, high)` in modules/rng.py, for one image's noise
 * of shape [d0, d1, ...rest]: it normalises along dim 1 (so per (d0, rest) column, not per image),
 * and when the mean cosine exceeds 0.9995 it falls back to low·val + high·(1 − val), weights
 * swapped as in A1111. float32 as torch computes it, except that the norms and dot products are
 * summed in double (torch's reduction order is not reproduced), so results agree to about 1e-7. */
export function a1111Slerp(val: number, low: Float32Array, high: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length < 2) throw new RangeError(`a1111Slerp: need at least 2 dimensions, got [${shape.join(', ')}]`);
  const [d0, d1] = shape;
  const inner = low.length / (d0 * d1);
  const columns = d0 * inner;
  const at = (c: number, j: number) => Math.floor(c / inner) * d1 * inner + j * inner + (c % inner);
  const dot = new Float64Array(columns);
  for (let c = 0; c < columns; c++) dot[c] = columnCosine(low, high, (j) => at(c, j), d1);
  const out = new Float32Array(low.length);
  if (dot.reduce((s, v) => s + v, 0) / columns > 0.9995) {
    const [a, b] = [f32(val), f32(1 - val)];
    for (let i = 0; i < out.length; i++) out[i] = f32(low[i] * a) + f32(high[i] * b);
    return out;
  }
  for (let c = 0; c < columns; c++) {
    const omega = f32(Math.acos(dot[c]));
    const so = f32(Math.sin(omega));
    const a = f32(f32(Math.sin(f32(f32(1 - val) * omega))) / so);
    const b = f32(f32(Math.sin(f32(f32(val) * omega))) / so);
    for (let j = 0; j < d1; j++) {
      const i = at(c, j);
      out[i] = f32(a * low[i]) + f32(b * high[i]);
    }
  }
  return out;
}

/** (low/‖low‖ · high/‖high‖) summed over dim 1, each normalised value rounded to float32. */
function columnCosine(low: Float32Array, high: Float32Array, index: (j: number) => number, length: number): number {
  let lowSq = 0;
  let highSq = 0;
  for (let j = 0; j < length; j++) {
    lowSq += low[index(j)] ** 2;
    highSq += high[index(j)] ** 2;
  }
  const [lowNorm, highNorm] = [f32(Math.sqrt(lowSq)), f32(Math.sqrt(highSq))];
  let dot = 0;
  for (let j = 0; j < length; j++) dot += f32(f32(low[index(j)] / lowNorm) * f32(high[index(j)] / highNorm));
  return f32(dot);
}
