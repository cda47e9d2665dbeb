// Classifier-free guidance and the scheduler step in one pass, for steps that are elementwise in the noise
// estimate (Scheduler.elementwiseStep: deterministic DDIM, DPM-Solver++, UniPC, Euler and Euler ancestral). The
// guided estimate is never stored: each value goes from the UNet output straight into x̂0 and x_prev, so a
// step reads the output and the latents once, where guide() then step() wrote the estimate and read it
// back, and a multistep solver went over its arrays once per term.
import type {
  AffineStep,
  ElementwiseStep,
  EulerStep,
  MultistepStep,
  PredictorCorrectorStep,
  StepOutput,
} from '../core/samplers/scheduler';

/** What guide() reports of the estimate (NoiseEstimate), whose values went into the step, not an array. */
export interface FusedEstimate {
  finite: boolean;
  rms: number;
  eps?: undefined;
  /** Whether every value written to the step's sample is finite (what allFinite() would say of it). */
  sampleFinite: boolean;
}

/** uncond + g·(text − uncond) over the halves of `out` as guide() forms it (float64, rounded to float32),
 * then `step` from the sample `x` into `into`, each value as the scheduler's step() computes it; with the
 * finite check of the UNet output and the rms of the estimate that guide() reports, summed as it sums them,
 * and the finite check of the new sample (a float64 sum of float32 values, as allFinite() takes it). */
export function guidedStep(
  out: Float32Array,
  g: number,
  x: Float32Array,
  step: ElementwiseStep,
  into: StepOutput,
): FusedEstimate {
  const x0 = into.predOriginalSample.data as Float32Array;
  const prev = into.prevSample.data as Float32Array;
  if (step.kind === 'affine') return guidedAffine(out, g, x, step, x0, prev);
  if (step.kind === 'euler') return guidedEuler(out, g, x, step, x0, prev);
  const estimate =
    step.kind === 'unipc' ? guidedUniPc(out, g, x, step, x0, prev) : guidedMultistep(out, g, x, step, x0, prev);
  step.newest.set(x0);
  return estimate;
}

// One loop per kind of step: a loop shared by the four would see four kinds of step and V8 would
// optimise it for none. Each sums the guided values and their squares as guide() does, even and odd
// elements apart and in order (the rms must be its bit for bit); the guided values' sum is finite exactly
// when the UNet output is (guidance.ts combine()). DDIM's update is short and runs fastest written out for
// a pair of elements a turn; the longer ones run ~10% faster four a turn through an element function of
// their own (which V8 inlines), measured on [1,4,64,64]. UniPC's, the longest, is one plain loop: through
// an element function it ran slower (300 against 264 µs for a step of denoise()), past V8's inlining budget.

/** DDIM: x̂0 as stored (float32) goes into the update, as step() reads it back. */
function guidedAffine(
  out: Float32Array,
  g: number,
  x: Float32Array,
  step: AffineStep,
  x0: Float32Array,
  prev: Float32Array,
) {
  const { p, q, a, d, r, s } = step;
  const half = x.length;
  let check0 = 0;
  let check1 = 0;
  let sq0 = 0;
  let sq1 = 0;
  let sample = 0;
  let i = 0;
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
    const y0 = Math.fround(p * x_0 + q * m0);
    const y1 = Math.fround(p * x_1 + q * m1);
    x0[i] = y0;
    x0[i + 1] = y1;
    const z0 = Math.fround(a * y0 + d * (r * x_0 + s * m0));
    const z1 = Math.fround(a * y1 + d * (r * x_1 + s * m1));
    prev[i] = z0;
    prev[i + 1] = z1;
    sample += z0 + z1;
  }
  if (i < half) {
    const v = out[i] + g * (out[half + i] - out[i]);
    const m = Math.fround(v);
    check0 += v;
    sq0 += m * m;
    const y = Math.fround(p * x[i] + q * m);
    x0[i] = y;
    prev[i] = a * y + d * (r * x[i] + s * m);
    sample += prev[i];
  }
  return estimate(check0 + check1, sq0 + sq1, half, sample);
}

function guidedMultistep(
  o: Float32Array,
  g: number,
  x: Float32Array,
  st: MultistepStep,
  x0: Float32Array,
  prev: Float32Array,
) {
  const n = x.length;
  let check0 = 0;
  let check1 = 0;
  let sq0 = 0;
  let sq1 = 0;
  let sample = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const v0 = o[i] + g * (o[n + i] - o[i]);
    const v1 = o[i + 1] + g * (o[n + i + 1] - o[i + 1]);
    const v2 = o[i + 2] + g * (o[n + i + 2] - o[i + 2]);
    const v3 = o[i + 3] + g * (o[n + i + 3] - o[i + 3]);
    const m0 = Math.fround(v0);
    const m1 = Math.fround(v1);
    const m2 = Math.fround(v2);
    const m3 = Math.fround(v3);
    check0 += v0 + v2;
    check1 += v1 + v3;
    sq0 += m0 * m0;
    sq1 += m1 * m1;
    sq0 += m2 * m2;
    sq1 += m3 * m3;
    sample += multistepAt(st, x, x0, prev, i, m0) + multistepAt(st, x, x0, prev, i + 1, m1);
    sample += multistepAt(st, x, x0, prev, i + 2, m2) + multistepAt(st, x, x0, prev, i + 3, m3);
  }
  for (; i < n; i++) {
    const v = o[i] + g * (o[n + i] - o[i]);
    const m = Math.fround(v);
    if (i % 2 === 0) {
      check0 += v;
      sq0 += m * m;
    } else {
      check1 += v;
      sq1 += m * m;
    }
    sample += multistepAt(st, x, x0, prev, i, m);
  }
  return estimate(check0 + check1, sq0 + sq1, n, sample);
}

/** DPM-Solver++: x_prev with the first product and each partial sum rounded as combineInto stores them;
 * returns x_prev as stored. */
function multistepAt(st: MultistepStep, x: Float32Array, x0: Float32Array, prev: Float32Array, i: number, m: number) {
  const f = Math.fround;
  const xi = x[i];
  const y = f((st.p * xi + st.q * m) / st.v);
  x0[i] = y;
  const two = f(f(f(st.k0 * xi) + st.c1 * y) + st.c2 * st.h1[i]);
  const z = st.h2 ? f(two + st.c3 * st.h2[i]) : two;
  prev[i] = z;
  return z;
}

function guidedEuler(o: Float32Array, g: number, x: Float32Array, st: EulerStep, x0: Float32Array, prev: Float32Array) {
  const n = x.length;
  let check0 = 0;
  let check1 = 0;
  let sq0 = 0;
  let sq1 = 0;
  let sample = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const v0 = o[i] + g * (o[n + i] - o[i]);
    const v1 = o[i + 1] + g * (o[n + i + 1] - o[i + 1]);
    const v2 = o[i + 2] + g * (o[n + i + 2] - o[i + 2]);
    const v3 = o[i + 3] + g * (o[n + i + 3] - o[i + 3]);
    const m0 = Math.fround(v0);
    const m1 = Math.fround(v1);
    const m2 = Math.fround(v2);
    const m3 = Math.fround(v3);
    check0 += v0 + v2;
    check1 += v1 + v3;
    sq0 += m0 * m0;
    sq1 += m1 * m1;
    sq0 += m2 * m2;
    sq1 += m3 * m3;
    sample += eulerAt(st, x, x0, prev, i, m0) + eulerAt(st, x, x0, prev, i + 1, m1);
    sample += eulerAt(st, x, x0, prev, i + 2, m2) + eulerAt(st, x, x0, prev, i + 3, m3);
  }
  for (; i < n; i++) {
    const v = o[i] + g * (o[n + i] - o[i]);
    const m = Math.fround(v);
    if (i % 2 === 0) {
      check0 += v;
      sq0 += m * m;
    } else {
      check1 += v;
      sq1 += m * m;
    }
    sample += eulerAt(st, x, x0, prev, i, m);
  }
  return estimate(check0 + check1, sq0 + sq1, n, sample);
}

/** Euler (ancestral): x̂0 as stored goes into the update, then the step's noise where it has some; returns
 * x_prev as stored. */
function eulerAt(st: EulerStep, x: Float32Array, x0: Float32Array, prev: Float32Array, i: number, m: number): number {
  const xi = x[i];
  const y = Math.fround(st.p * xi + st.q * m);
  x0[i] = y;
  const euler = xi + ((xi - y) / st.sigma) * st.dt;
  const z = Math.fround(st.z ? euler + st.z[i] * st.up : euler);
  prev[i] = z;
  return z;
}

/** UniPC: x̂0 as stored, the corrected sample where the corrector runs, then the predictor from it. */
function guidedUniPc(
  o: Float32Array,
  g: number,
  x: Float32Array,
  st: PredictorCorrectorStep,
  x0: Float32Array,
  prev: Float32Array,
) {
  const f = Math.fround;
  const n = x.length;
  const { p, q, v, h1, b0, b1, b2 } = st;
  const c = st.corrector;
  // Without a corrector the predictor starts from x: the corrector's sum with weights 1, 0, 0, 0 is x
  // itself, written into prev before the predictor overwrites it.
  const [last, into, k0, a1, a2, h2, a3] = c
    ? [c.last, c.into, c.k0, c.a1, c.a2, c.h2, c.a3]
    : [x, prev, 1, 0, 0, h1, 0];
  let check0 = 0;
  let check1 = 0;
  let sq0 = 0;
  let sq1 = 0;
  let sample = 0;
  for (let i = 0; i < n; i++) {
    const u = o[i] + g * (o[n + i] - o[i]);
    const m = f(u);
    if ((i & 1) === 0) {
      check0 += u;
      sq0 += m * m;
    } else {
      check1 += u;
      sq1 += m * m;
    }
    const y = f((p * x[i] + q * m) / v);
    x0[i] = y;
    const start = f(f(f(f(k0 * last[i]) + a1 * h1[i]) + a2 * h2[i]) + a3 * y);
    into[i] = start;
    const z = f(f(f(b0 * start) + b1 * y) + b2 * h1[i]);
    prev[i] = z;
    sample += z;
  }
  return estimate(check0 + check1, sq0 + sq1, n, sample);
}

/** What a kernel reports from its sums: the guided values' (finite exactly when the UNet output is), their
 * squares' over n values, and the new sample's. */
function estimate(check: number, squares: number, n: number, sample: number): FusedEstimate {
  return { finite: Number.isFinite(check), rms: Math.sqrt(squares / n), sampleFinite: Number.isFinite(sample) };
}
