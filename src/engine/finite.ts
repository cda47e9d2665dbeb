/** True when no value is NaN or ±Inf (a plain loop: this runs on every UNet output). */
export function allFinite(data: Float32Array | Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}
