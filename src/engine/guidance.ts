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
  const half = out.length / 2;
  // A float64 sum of float32 values cannot overflow, so it is finite exactly when they all are.
  let check = 0;
  let squares = 0;
  for (let i = 0; i < half; i++) {
    const u = out[i];
    const c = out[half + i];
    check += u + c;
    cfg[i] = u + g * (c - u);
    squares += cfg[i] * cfg[i];
  }
  if (phi > 0) {
    const per = half / batch;
    for (let b = 0; b < batch; b++) {
      const c = cfg.subarray(b * per, (b + 1) * per);
      const k = (phi * std(out.subarray(half + b * per, half + (b + 1) * per))) / std(c) + 1 - phi;
      for (let i = 0; i < per; i++) c[i] *= k;
    }
    return { eps: cfg, finite: Number.isFinite(check), rms: rms(cfg) };
  }
  return { eps: cfg, finite: Number.isFinite(check), rms: Math.sqrt(squares / half) };
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

/** Root mean square, reported per step as the size of the guided noise estimate. */
export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / x.length);
}
