/** True when no value is NaN or ±Inf. This runs on every UNet output and step: a float64 sum of
 * float32 values cannot overflow, so it is finite exactly when they all are, and four partial sums
 * keep the adds independent (about 3× a per-value Number.isFinite loop). */
export function allFinite(data: Float32Array | Float64Array): boolean {
  if (data instanceof Float64Array) return data.every(Number.isFinite);
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) {
    a += data[i];
    b += data[i + 1];
    c += data[i + 2];
    d += data[i + 3];
  }
  for (let i = whole; i < data.length; i++) a += data[i];
  return Number.isFinite(a + b + c + d);
}
