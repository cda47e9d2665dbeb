// A k-diffusion Denoiser D(x, σ) from the UNet, as A1111 (k-diffusion's CompVisDenoiser / CompVisVDenoiser)
// and ComfyUI (ModelSamplingDiscrete with EPS / V_PREDICTION) build it: the UNet sees x·c_in with
// c_in = 1/√(σ² + 1) at the tool's timestep for σ; ε-prediction gives x0 = x − σ·ε, v-prediction
// x0 = x/(σ² + 1) − v·σ/√(σ² + 1). Classifier-free guidance combines the two halves' outputs before the
// conversion (linear, so the same as combining x0 as the tools do), with diffusers' guidance rescale. Without
// rescale both go in one WebAssembly pass in float32 arithmetic (the fused affine kernel, guidedStep.ts).
import type { AffineStep } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import { EngineFailure } from './engineFailure';
import type { AddedConditions } from './addedConditions';
import { guide, unguided } from './guidance';
import { guidedStep } from './guidedStep';
import { releaseKernels, SLOT, takeKernels, type StepKernels } from './kernels/stepKernels';
import type { ModelSessions } from './modelSessions';
import { runUnet } from './runUnet';
import type { UnetCall } from './unetLockstep';
import { withChannels } from './denoise';
import type { EncodedText } from './textEncoding';

export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

export interface UnetDenoiser {
  s: ModelSessions;
  text: EncodedText | undefined;
  /** The family's extra UNet inputs for the rows of one call (guidance halves included). */
  added: AddedConditions;
  /** A 9-channel inpainting UNet's channels after the latents', one row per image, as the tool makes them
   * (initLatents.ts inpaintUnetExtra). */
  extra?: Tensor;
  guidanceScale: number;
  guidanceRescale: number;
  prediction: PredictionType;
  latentShape: number[];
  /** The tool's UNet timestep for σ. */
  timestep: (sigma: number) => number;
  /** Arrays every model call of the run reuses (denoiserBuffers). */
  buffers: DenoiserBuffers;
  /** The UNet call of a run that goes together with others (unetLockstep.ts); runUnet otherwise. */
  unet?: UnetCall;
}

/** The UNet input (the latents twice over when guided), its output where several calls make it
 * (runUnet.ts), the guided output, x̂0, the kernels (stepKernels.ts) that scale the input and, for a guided
 * run, make the fused pass (guidedStep.ts), allocated once per run. The UNet's input, a guided run's UNet
 * output and x̂0 are slots of the kernels' memory, which the passes read and write in place (as
 * stepBuffers.ts has them); release() hands the kernels back, to the next run. */
export interface DenoiserBuffers {
  input: Tensor<Float32Array>;
  kernels: StepKernels;
  unetOut: Float32Array;
  eps: Float32Array;
  /** Where denoiseWithUnet writes D(x, σ) for the sampler, which copies what it keeps. */
  x0: Float32Array;
  /** The fused kernels and their x_prev slot, which the pass writes in place and nothing reads. */
  fused?: { kernels: StepKernels; prev: Tensor };
  /** A 9-channel UNet's input, the latents and UnetDenoiser.extra, made by the first call. */
  wide?: Float32Array;
  release(): void;
}

export function denoiserBuffers(latentShape: readonly number[], guided: boolean): DenoiserBuffers {
  const n = latentShape.reduce((a, b) => a * b, 1);
  const copies = guided ? 2 : 1;
  const shape = [latentShape[0] * copies, ...latentShape.slice(1)];
  const kernels = takeKernels(n);
  const input = { data: kernels.inputArray(copies), shape };
  const fused = guided ? { kernels, prev: { data: kernels.view(SLOT.prev), shape: [n] } } : undefined;
  const release = () => releaseKernels(kernels);
  const unetOut = (guided && kernels.pair(SLOT.u)) || new Float32Array(n * copies);
  return { input, kernels, unetOut, eps: new Float32Array(n), x0: kernels.view(SLOT.x0), fused, release };
}

export interface Denoised {
  /** Root mean square of the guided model output. */
  outputNorm: number;
  unetMs: number;
}

/** D(x, σ) written into `x0`, which must not share memory with x. */
export async function denoiseWithUnet(
  d: UnetDenoiser,
  x: Float32Array,
  sigma: number,
  x0: Float32Array,
): Promise<Denoised> {
  const { input, unetOut, eps, kernels } = d.buffers;
  const guided = d.text?.uncond !== undefined;
  // x where the kernels read it in place, for the input's scaling and the fused pass.
  const xIn = kernels.slotted(SLOT.x, x);
  kernels.scaleInput(xIn, 1 / Math.sqrt(sigma * sigma + 1), input.data);
  const t = d.timestep(sigma);
  const started = performance.now();
  const unetInput = d.extra ? withChannels(input, d.extra, d.buffers.wide) : input;
  if (d.extra) d.buffers.wide = unetInput.data;
  const out = await (d.unet ?? runUnet)(d.s, unetInput, t, d.text?.hidden, d.added, unetOut);
  const unetMs = performance.now() - started;
  const nan = () => new EngineFailure('NAN_OUTPUT', `the UNet returned NaN or Inf at σ ${sigma} (timestep ${t})`);
  const { fused: f } = d.buffers;
  if (f && d.guidanceRescale === 0) {
    // Guidance and x̂0 in one float32 pass, as the tools' float32 tensors compute them.
    const into = { predOriginalSample: { data: x0, shape: d.latentShape }, prevSample: f.prev };
    const fused = guidedStep(f.kernels, out, d.guidanceScale, xIn, x0Step(d.prediction, sigma), into);
    if (!fused.finite) throw nan();
    return { outputNorm: fused.rms, unetMs };
  }
  const estimate = guided ? guide(out, d.guidanceScale, d.guidanceRescale, d.latentShape[0], eps) : unguided(out);
  if (!estimate.finite) throw nan();
  toX0(d.prediction, x, estimate.eps, sigma, x0);
  return { outputNorm: estimate.rms, unetMs };
}

/** x̂0 = p·x + q·m for the prediction type (toX0's formulas) as the fused affine kernel takes it; its x_prev
 * is not used. */
function x0Step(prediction: PredictionType, sigma: number): AffineStep {
  const rest = { a: 0, d: 0, r: 0, s: 0 };
  if (prediction === 'sample') return { kind: 'affine', p: 0, q: 1, ...rest };
  if (prediction === 'epsilon') return { kind: 'affine', p: 1, q: -sigma, ...rest };
  const s2 = sigma * sigma + 1;
  return { kind: 'affine', p: 1 / s2, q: -sigma / Math.sqrt(s2), ...rest };
}

function toX0(prediction: PredictionType, x: Float32Array, out: Float32Array, sigma: number, x0: Float32Array): void {
  if (prediction === 'sample') {
    x0.set(out);
  } else if (prediction === 'epsilon') {
    for (let i = 0; i < x.length; i++) x0[i] = x[i] - sigma * out[i];
  } else {
    const s2 = sigma * sigma + 1;
    const cOut = sigma / Math.sqrt(s2);
    for (let i = 0; i < x.length; i++) x0[i] = x[i] / s2 - cOut * out[i];
  }
}
