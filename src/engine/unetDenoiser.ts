// A k-diffusion Denoiser D(x, σ) from the UNet, as A1111 (k-diffusion's CompVisDenoiser / CompVisVDenoiser)
// and ComfyUI (ModelSamplingDiscrete with EPS / V_PREDICTION) build it: the UNet sees x·c_in with
// c_in = 1/√(σ² + 1) at the tool's timestep for σ; ε-prediction gives x0 = x − σ·ε, v-prediction
// x0 = x/(σ² + 1) − v·σ/√(σ² + 1). Classifier-free guidance combines the two halves' outputs before the
// conversion (linear, so the same as combining x0 as the tools do), with diffusers' guidance rescale.
import type { Tensor } from '../core/tensor/tensor';
import { EngineFailure } from './engineFailure';
import { guide, unguided } from './guidance';
import type { ModelSessions } from './modelSessions';
import { runUnet } from './runUnet';
import type { EncodedText } from './textEncoding';

export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

export interface UnetDenoiser {
  s: ModelSessions;
  text: EncodedText | undefined;
  guidanceScale: number;
  guidanceRescale: number;
  prediction: PredictionType;
  latentShape: number[];
  /** The tool's UNet timestep for σ. */
  timestep: (sigma: number) => number;
}

export interface Denoised {
  x0: Float32Array;
  /** Root mean square of the guided model output. */
  outputNorm: number;
  unetMs: number;
}

export async function denoiseWithUnet(d: UnetDenoiser, x: Float32Array, sigma: number): Promise<Denoised> {
  const cIn = 1 / Math.sqrt(sigma * sigma + 1);
  const input: Tensor = { data: x.map((v) => v * cIn), shape: d.latentShape };
  const guided = d.text?.uncond !== undefined;
  const t = d.timestep(sigma);
  const started = performance.now();
  const out = await runUnet(d.s, guided ? doubled(input) : input, t, d.text?.hidden);
  const unetMs = performance.now() - started;
  const estimate = guided ? guide(out, d.guidanceScale, d.guidanceRescale, d.latentShape[0]) : unguided(out);
  if (!estimate.finite) {
    throw new EngineFailure('NAN_OUTPUT', `the UNet returned NaN or Inf at σ ${sigma} (timestep ${t})`);
  }
  return { x0: toX0(d.prediction, x, estimate.eps, sigma), outputNorm: estimate.rms, unetMs };
}

function toX0(prediction: PredictionType, x: Float32Array, out: Float32Array, sigma: number): Float32Array {
  if (prediction === 'sample') return out;
  if (prediction === 'epsilon') return x.map((v, i) => v - sigma * out[i]);
  const s2 = sigma * sigma + 1;
  const cOut = sigma / Math.sqrt(s2);
  return x.map((v, i) => v / s2 - cOut * out[i]);
}

/** The batch twice over: the unconditional and the text-conditioned halves of a guided call. */
function doubled(x: Tensor): Tensor {
  const data = new Float32Array(x.data.length * 2);
  data.set(x.data);
  data.set(x.data, x.data.length);
  return { data, shape: [x.shape[0] * 2, ...x.shape.slice(1)] };
}
