// Turns an engine step event into what the viewer keeps: batch item 0's latents (exact-size
// copies, so a webview message carries no more than it needs) and x_t's mean and std.
import type { StepEvent } from '../../protocol/engine';
import type { StepFrame } from '../../protocol/workbench';

export function toStepFrame(e: StepEvent): StepFrame {
  const [, ...itemShape] = e.latentShape;
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const { mean, std } = e.xt ? meanStd(e.xt) : { mean: NaN, std: NaN };
  return {
    step: e.step,
    totalSteps: e.totalSteps,
    t: e.t,
    sigma: e.sigma,
    mean,
    std,
    noiseNorm: e.noiseNorm,
    latentShape: itemShape,
    xt: e.xt?.slice(0, itemSize),
    x0: e.x0?.slice(0, itemSize),
    preview: e.preview && { width: e.preview.width, height: e.preview.height, rgba: e.preview.rgba.slice() },
  };
}

/** Population mean and standard deviation, accumulated in double precision. */
export function meanStd(x: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  const mean = sum / x.length;
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += (x[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / x.length) };
}
