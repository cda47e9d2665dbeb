// Classifier-free guidance over the UNet's stacked output [uncond × batch, text × batch], with the
// checks and figures the pipeline needs from each step's output taken in the same pass.

/** A step's noise estimate and what the pipeline reports about the UNet output behind it. */
export interface NoiseEstimate {
  eps: Float32Array;
  /** Every value of the UNet output is finite. */
  finite: boolean;
  /** Root mean square of eps. */
  rms: number;
}

/** uncond + g·(text − uncond) into `cfg`, then Lin et al.'s rescale φ per image:
 * φ·cfg·std(text)/std(cfg) + (1−φ)·cfg (diffusers' rescale_noise_cfg). */
export function guide(
  out: Float32Array,
  g: number,
  phi: number,
  batch: number,
  cfg: Float32Array = new Float32Array(out.length / 2),
): NoiseEstimate {
  const { squares, finite } = combine(out, g, cfg);
  if (phi > 0) {
    const half = out.length / 2;
    const per = half / batch;
    for (let b = 0; b < batch; b++) {
      const c = cfg.subarray(b * per, (b + 1) * per);
      const k = (phi * std(out.subarray(half + b * per, half + (b + 1) * per))) / std(c) + 1 - phi;
      for (let i = 0; i < per; i++) c[i] *= k;
    }
    return { eps: cfg, finite, rms: rms(cfg) };
  }
  return { eps: cfg, finite, rms: Math.sqrt(squares / cfg.length) };
}

/** cfg = u + g·(c − u) over the halves, with the sum of squares of cfg as stored (float32) and whether
 * the UNet output was finite: for a finite g the guided value in float64 is finite exactly when both
 * halves' values are (inf − inf and 0·inf are NaN), and a float64 sum of such values cannot overflow, so
 * one sum checks them all (a float32 overflow of the stored value is the step check's to report).
 * Sums alternate between two accumulators so their adds do not wait on each other. */
function combine(out: Float32Array, g: number, cfg: Float32Array): { squares: number; finite: boolean } {
  const half = cfg.length;
  let [check0, check1, sq0, sq1] = [0, 0, 0, 0];
  let i = 0;
  for (; i + 1 < half; i += 2) {
    const u0 = out[i];
    const u1 = out[i + 1];
    const v0 = u0 + g * (out[half + i] - u0);
    const v1 = u1 + g * (out[half + i + 1] - u1);
    const f0 = Math.fround(v0);
    const f1 = Math.fround(v1);
    cfg[i] = f0;
    cfg[i + 1] = f1;
    check0 += v0;
    check1 += v1;
    sq0 += f0 * f0;
    sq1 += f1 * f1;
  }
  if (i < half) {
    const v = out[i] + g * (out[half + i] - out[i]);
    cfg[i] = v;
    check0 += v;
    sq0 += cfg[i] * cfg[i];
  }
  return { squares: sq0 + sq1, finite: Number.isFinite(check0 + check1) };
}

/** The unguided output as the noise estimate, checked and measured in one pass. */
export function unguided(out: Float32Array): NoiseEstimate {
  // Squares of float32 values sum in float64 without overflow: finite exactly when all values are.
  const r = rms(out);
  return { eps: out, finite: Number.isFinite(r), rms: r };
}

/** Unbiased standard deviation, as torch.std. */
function std(x: Float32Array): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - mean) ** 2;
  return Math.sqrt(s / (x.length - 1));
}

/** Root mean square, reported per step as the size of the guided noise estimate (two sums, as in combine). */
export function rms(x: Float32Array): number {
  let even = 0;
  let odd = 0;
  let i = 0;
  for (; i + 1 < x.length; i += 2) {
    even += x[i] * x[i];
    odd += x[i + 1] * x[i + 1];
  }
  if (i < x.length) even += x[i] * x[i];
  return Math.sqrt((even + odd) / x.length);
}
