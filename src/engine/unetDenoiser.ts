// A k-diffusion Denoiser D(x, σ) from the UNet, as A1111 (k-diffusion's CompVisDenoiser / CompVisVDenoiser)
// and ComfyUI (ModelSamplingDiscrete with EPS / V_PREDICTION) build it: the UNet sees x·c_in with
// c_in = 1/√(σ² + 1) at the tool's timestep for σ; ε-prediction gives x0 = x − σ·ε, v-prediction
// x0 = x/(σ² + 1) − v·σ/√(σ² + 1). Classifier-free guidance combines the two halves' outputs before the
// conversion (linear, so the same as combining x0 as the tools do), with diffusers' guidance rescale.
import type { Tensor } from '../core/tensor/tensor';
import { EngineFailure } from './engineFailure';
import type { AddedConditions } from './addedConditions';
import { guide, unguided } from './guidance';
import type { ModelSessions } from './modelSessions';
import { runUnet } from './runUnet';
import type { EncodedText } from './textEncoding';

export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

export interface UnetDenoiser {
  s: ModelSessions;
  text: EncodedText | undefined;
  /** The family's extra UNet inputs for the rows of one call (guidance halves included). */
  added: AddedConditions;
  guidanceScale: number;
  guidanceRescale: number;
  prediction: PredictionType;
  latentShape: number[];
  /** The tool's UNet timestep for σ. */
  timestep: (sigma: number) => number;
  /** Arrays every model call of the run reuses (denoiserBuffers). */
  buffers: DenoiserBuffers;
}

/** The UNet input (the latents twice over when guided), its output where several calls make it
 * (runUnet.ts) and the guided output, allocated once per run. */
export interface DenoiserBuffers {
  input: Tensor<Float32Array>;
  unetOut: Float32Array;
  eps: Float32Array;
}

export function denoiserBuffers(latentShape: readonly number[], guided: boolean): DenoiserBuffers {
  const n = latentShape.reduce((a, b) => a * b, 1);
  const copies = guided ? 2 : 1;
  const shape = [latentShape[0] * copies, ...latentShape.slice(1)];
  const input = { data: new Float32Array(n * copies), shape };
  return { input, unetOut: new Float32Array(n * copies), eps: new Float32Array(n) };
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
  const cIn = 1 / Math.sqrt(sigma * sigma + 1);
  const { input, unetOut, eps } = d.buffers;
  const n = x.length;
  for (let i = 0; i < n; i++) input.data[i] = x[i] * cIn;
  const guided = d.text?.uncond !== undefined;
  if (guided) input.data.copyWithin(n, 0, n);
  const t = d.timestep(sigma);
  const started = performance.now();
  const out = await runUnet(d.s, input, t, d.text?.hidden, d.added, unetOut);
  const unetMs = performance.now() - started;
  const estimate = guided ? guide(out, d.guidanceScale, d.guidanceRescale, d.latentShape[0], eps) : unguided(out);
  if (!estimate.finite) {
    throw new EngineFailure('NAN_OUTPUT', `the UNet returned NaN or Inf at σ ${sigma} (timestep ${t})`);
  }
  toX0(d.prediction, x, estimate.eps, sigma, x0);
  return { outputNorm: estimate.rms, unetMs };
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
