// Classifier-free guidance over the UNet's stacked output [uncond × batch, text × batch].

/** uncond + g·(text − uncond), then Lin et al.'s rescale φ per image:
 * φ·cfg·std(text)/std(cfg) + (1−φ)·cfg (diffusers' rescale_noise_cfg). */
export function guide(out: Float32Array, g: number, phi: number, batch: number): Float32Array {
  const half = out.length / 2;
  const cfg = new Float32Array(half);
  for (let i = 0; i < half; i++) cfg[i] = out[i] + g * (out[half + i] - out[i]);
  if (phi > 0) {
    const per = half / batch;
    for (let b = 0; b < batch; b++) {
      const c = cfg.subarray(b * per, (b + 1) * per);
      const k = (phi * std(out.subarray(half + b * per, half + (b + 1) * per))) / std(c) + 1 - phi;
      for (let i = 0; i < per; i++) c[i] *= k;
    }
  }
  return cfg;
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
