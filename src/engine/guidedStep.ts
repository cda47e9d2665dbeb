// Classifier-free guidance and the scheduler step in one pass, for steps that are elementwise in the noise
// estimate (Scheduler.elementwiseStep: deterministic DDIM, DPM-Solver++, UniPC, Euler and Euler ancestral). The
// guided estimate is never stored: each value goes from the UNet output straight into x̂0 and x_prev, so a
// step reads the output and the latents once, where guide() then step() wrote the estimate and read it
// back, and a multistep solver went over its arrays once per term. The passes are WebAssembly SIMD
// (kernels/guidedSteps.wat), four values a turn in float32 arithmetic, as PyTorch's float32 tensors compute;
// step() computes the same formula in float64, rounded where it stores.
import type {
  AffineStep,
  ElementwiseStep,
  EulerStep,
  MultistepStep,
  PredictorCorrectorStep,
  StepOutput,
} from '../core/samplers/scheduler';
import { SLOT, StepKernels } from './kernels/stepKernels';

/** What guide() reports of the estimate (NoiseEstimate), whose values went into the step, not an array. */
export interface FusedEstimate {
  finite: boolean;
  rms: number;
  eps?: undefined;
  /** Whether every value written to the step's sample is finite (what allFinite() would say of it). */
  sampleFinite: boolean;
}

/** uncond + g·(text − uncond) over the halves of `out`, then `step` from the sample `x` into `into`, in
 * float32 arithmetic (guidedSteps.wat); with the finite check of the UNet output, the rms of the estimate
 * and the finite check of the new sample. Arrays that are slots of `k` (stepBuffers.ts) are read and written
 * in place. */
export function guidedStep(
  k: StepKernels,
  out: Float32Array,
  g: number,
  x: Float32Array,
  step: ElementwiseStep,
  into: StepOutput,
): FusedEstimate {
  const n = k.length;
  const x0 = into.predOriginalSample.data as Float32Array;
  const prev = into.prevSample.data as Float32Array;
  const common: Common = [
    k.read(SLOT.u, out.subarray(0, n)),
    k.read(SLOT.t, out.subarray(n, 2 * n)),
    k.read(SLOT.x, x),
    k.write(SLOT.x0, x0),
    k.write(SLOT.prev, prev),
    k.bytes,
    g,
  ];
  if (step.kind === 'affine') affine(k, common, step);
  else if (step.kind === 'euler') euler(k, common, step);
  else if (step.kind === 'multistep') multistep(k, common, step);
  else uniPc(k, common, step);
  k.copyOut(SLOT.x0, x0);
  k.copyOut(SLOT.prev, prev);
  if (step.kind === 'multistep' || step.kind === 'unipc') step.newest.set(x0);
  const { finite, sampleFinite, squares } = k.lastSums();
  return { finite, rms: Math.sqrt(squares / n), sampleFinite };
}

/** Every kernel's first arguments: the offsets of u, t, x, x̂0 and x_prev, the bytes a pass covers, g. */
type Common = readonly [number, number, number, number, number, number, number];

function affine(k: StepKernels, common: Common, { p, q, a, d, r, s }: AffineStep): void {
  k.run.affine(...common, p, q, a, d, r, s);
}

function euler(k: StepKernels, common: Common, { p, q, sigma, dt, z, up }: EulerStep): void {
  k.run.euler(...common, p, q, sigma, dt, z ? k.read(SLOT.a, z) : k.at(SLOT.a), z ? 1 : 0, up);
}

function multistep(k: StepKernels, common: Common, { p, q, v, k0, c1, c2, h1, h2, c3 }: MultistepStep): void {
  const [h1At, h2At] = [k.read(SLOT.a, h1), h2 ? k.read(SLOT.b, h2) : k.at(SLOT.b)];
  k.run.multistep(...common, p, q, v, k0, c1, c2, h1At, h2At, h2 ? 1 : 0, c3);
}

function uniPc(k: StepKernels, common: Common, { p, q, v, h1, corrector: c, b0, b1, b2 }: PredictorCorrectorStep) {
  const h1At = k.read(SLOT.a, h1);
  // Without a corrector the predictor starts from x: the corrector's sum with weights 1, 0, 0, 0 is x
  // itself, written into prev before the predictor overwrites it.
  if (!c) return k.run.unipc(...common, p, q, v, common[2], common[4], h1At, h1At, 1, 0, 0, 0, b0, b1, b2);
  const [last, into, h2] = [k.read(SLOT.c, c.last), k.write(SLOT.d, c.into), k.read(SLOT.b, c.h2)];
  k.run.unipc(...common, p, q, v, last, into, h1At, h2, c.k0, c.a1, c.a2, c.a3, b0, b1, b2);
  k.copyOut(SLOT.d, c.into);
}
