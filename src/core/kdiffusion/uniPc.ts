// UniPC (Zhao et al. 2023, arXiv:2302.04867) multistep sampling with data prediction, lower order on the
// final steps, and the corrector on every step but the last: UniPC.sample(method='multistep') as ComfyUI and
// A1111 share it. One model call per step.
// ComfyUI's "uni_pc" (B(h) = h, bh1) and "uni_pc_bh2" (B(h) = e^h − 1) (comfy/extra_samplers/uni_pc.py
// sample_unipc) run it with t = σ on SigmaConvert's schedule (ᾱ = 1/(1+σ²)), order min(3, N − 1), a final
// σ of 0 replaced by 0.001; both drop the next-to-last σ. A1111's "UniPC" is in a1111UniPc.ts.
import type { KSampler, Sampling, StepCallback } from './denoiser';
import { copy, notify, overEach, timesEach } from './stepMath';
import { UniPcSchedule, uniPcBhUpdate, type UniPcModel, type UniPcState } from './uniPcUpdate';

/** Walks the VP-scale x over the times `ts` (descending), calling `model` (x0 prediction) once per step; x0,
 * the caller's own new array, is stepped in place. */
export function* uniPcMultistep(
  x0: Float32Array,
  ts: readonly number[],
  order: number,
  variant: 'bh1' | 'bh2',
  ns: UniPcSchedule,
  model: UniPcModel,
  callback?: StepCallback,
): Sampling<Float32Array> {
  const steps = ts.length - 1;
  if (steps < 1) return x0;
  const x = x0;
  const state: UniPcState = { models: [yield* model(x, ts[0])], ts: [ts[0]] };
  notify(callback, 0, ts[0], ts[0], x, state.models[0]);
  // Update to ts[step]: the first order − 1 at increasing order, then at `order` (lower on the final steps),
  // the corrector (a model call) on all but the last.
  const advance = function* (step: number): Sampling<void> {
    const warmUp = step < order;
    const last = step === steps;
    const modelT = yield* uniPcBhUpdate(
      x,
      state,
      ts[step],
      warmUp ? step : Math.min(order, steps + 1 - step),
      variant,
      ns,
      last ? undefined : model,
    );
    if (warmUp) {
      state.models.push(modelT!);
      state.ts.push(ts[step]);
      return;
    }
    // The original shifts its fixed-length history by one and overwrites the last slot, except the model
    // output after the final update, which is never evaluated. The one shifted out takes the next output.
    if (!last) state.spare = state.models[0];
    for (let k = 0; k < order - 1; k++) {
      state.ts[k] = state.ts[k + 1];
      state.models[k] = state.models[k + 1];
    }
    state.ts[state.ts.length - 1] = ts[step];
    if (!last) state.models[state.models.length - 1] = modelT!;
  };
  for (let i = 1; i < steps; i++) {
    yield* advance(i);
    // The final update (no model call) goes with the step before it, so a run reports `steps` steps.
    if (i === steps - 1) yield* advance(steps);
    notify(callback, i, ts[i], ts[i], x, state.models[state.models.length - 1]);
  }
  return x;
}

/** ComfyUI's SigmaConvert: log α(σ) = ½·log(1/(σ² + 1)). */
const SIGMA_SCHEDULE = new UniPcSchedule((s) =>
  Math.fround(0.5 * Math.fround(Math.log(Math.fround(1 / Math.fround(Math.fround(s * s) + 1))))),
);

function makeComfyUniPc(variant: 'bh1' | 'bh2'): KSampler {
  return function* (denoise, x0, sigmasIn, opts = {}) {
    const ts = Array.from(sigmasIn, Math.fround);
    if (ts[ts.length - 1] === 0) ts[ts.length - 1] = Math.fround(0.001);
    // The data-prediction model on the variance-preserving scale: x0 = D(x·√(1+σ²), σ).
    const scaled = new Float32Array(x0.length);
    const model: UniPcModel = function* (xv, s, into) {
      return copy(yield* denoise(timesEach(xv, Math.sqrt(s * s + 1), scaled), s), into);
    };
    const xVp = overEach(x0, Math.sqrt(1 + ts[0] * ts[0]));
    // ComfyUI runs no update at all for a single step (order 0): x comes back only rescaled.
    const order = Math.min(3, ts.length - 2);
    const x = yield* uniPcMultistep(xVp, ts, order, variant, SIGMA_SCHEDULE, model, opts.callback);
    return overEach(x, SIGMA_SCHEDULE.alpha(ts[ts.length - 1]));
  };
}

export const sampleUniPc: KSampler = makeComfyUniPc('bh1');
export const sampleUniPcBh2: KSampler = makeComfyUniPc('bh2');
