// Classifier-free guidance and the scheduler step in one pass, for schedulers whose step is affine in the
// sample and the noise estimate (Scheduler.affineStep: deterministic DDIM). The guided estimate is never
// stored: each value goes from the UNet output straight into x̂0 and x_prev, so a step reads the output and
// the latents once and writes two arrays, where guide() then step() wrote and read the estimate in between.
import type { AffineStep, StepOutput } from '../core/samplers/scheduler';

/** What guide() reports of the estimate (NoiseEstimate), whose values went into the step, not an array. */
export interface FusedEstimate {
  finite: boolean;
  rms: number;
  eps?: undefined;
}

/** uncond + g·(text − uncond) over the halves of `out` as guide() forms it (float64, rounded to float32),
 * then `step`'s x̂0 and x_prev from `x` into `into`, each value as DDIM's step() computes it; with the
 * finite check of the UNet output and the rms of the estimate that guide() reports, summed as it sums them. */
export function guidedAffineStep(
  out: Float32Array,
  g: number,
  x: Float32Array,
  step: AffineStep,
  into: StepOutput,
): FusedEstimate {
  const x0 = into.predOriginalSample.data;
  const prev = into.prevSample.data;
  const { p, q, a, d, r, s } = step;
  const half = x.length;
  let check0 = 0;
  let check1 = 0;
  let sq0 = 0;
  let sq1 = 0;
  let i = 0;
  // Pairs with alternating sums, as guidance.ts combine(): the rms must be its bit for bit.
  for (; i + 1 < half; i += 2) {
    const u0 = out[i];
    const u1 = out[i + 1];
    const v0 = u0 + g * (out[half + i] - u0);
    const v1 = u1 + g * (out[half + i + 1] - u1);
    const m0 = Math.fround(v0);
    const m1 = Math.fround(v1);
    check0 += v0;
    check1 += v1;
    sq0 += m0 * m0;
    sq1 += m1 * m1;
    const x_0 = x[i];
    const x_1 = x[i + 1];
    // x̂0 as stored (float32) goes into the update, as DDIM's step() reads it back.
    const y0 = Math.fround(p * x_0 + q * m0);
    const y1 = Math.fround(p * x_1 + q * m1);
    x0[i] = y0;
    x0[i + 1] = y1;
    prev[i] = a * y0 + d * (r * x_0 + s * m0);
    prev[i + 1] = a * y1 + d * (r * x_1 + s * m1);
  }
  if (i < half) {
    const v = out[i] + g * (out[half + i] - out[i]);
    const m = Math.fround(v);
    check0 += v;
    sq0 += m * m;
    const y = Math.fround(p * x[i] + q * m);
    x0[i] = y;
    prev[i] = a * y + d * (r * x[i] + s * m);
  }
  return { finite: Number.isFinite(check0 + check1), rms: Math.sqrt((sq0 + sq1) / half) };
}
