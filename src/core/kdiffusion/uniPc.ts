// UniPC (Zhao et al. 2023, arXiv:2302.04867) as ComfyUI's "uni_pc" (B(h) = h, bh1) and "uni_pc_bh2"
// (B(h) = e^h − 1) run it (comfy/extra_samplers/uni_pc.py sample_unipc): multistep, data prediction,
// order min(3, N − 1), lower order on the final steps, corrector on every step but the last, a final σ of 0
// replaced by 0.001. One model call per step. ComfyUI only (both variants drop the next-to-last σ).
import type { Denoiser, KSampler } from './denoiser';
import { notify } from './stepMath';
import { uniPcAlpha, uniPcBhUpdate, type UniPcState } from './uniPcUpdate';

function makeUniPc(variant: 'bh1' | 'bh2'): KSampler {
  return (denoise: Denoiser, x0, sigmasIn, opts = {}) => {
    const ts = Array.from(sigmasIn, Math.fround);
    if (ts[ts.length - 1] === 0) ts[ts.length - 1] = Math.fround(0.001);
    const steps = ts.length - 1;
    const order = Math.min(3, ts.length - 2);
    // The data-prediction model on the variance-preserving scale: x0 = D(x·√(1+σ²), σ).
    const model = (xv: Float32Array, s: number) => denoise(Float32Array.from(xv, (v) => v * Math.sqrt(s * s + 1)), s);
    let x: Float32Array = Float32Array.from(x0, (v) => v / Math.sqrt(1 + ts[0] * ts[0]));
    const state: UniPcState = { models: [], ts: [] };
    for (let i = 0; i < steps; i++) {
      if (i === 0) {
        state.models.push(model(x, ts[0]).slice());
        state.ts.push(ts[0]);
      } else if (i < order) {
        const r = uniPcBhUpdate(x, state, ts[i], i, variant, model);
        x = r.x;
        state.models.push(r.modelT!);
        state.ts.push(ts[i]);
      } else {
        for (let step = i; step <= (i === steps - 1 ? i + 1 : i); step++) {
          const stepOrder = Math.min(order, steps + 1 - step);
          const r = uniPcBhUpdate(x, state, ts[step], stepOrder, variant, step === steps ? undefined : model);
          x = r.x;
          // The original shifts its fixed-length history by one and overwrites the last slot, except the model
          // output after the final update, which is never evaluated.
          for (let k = 0; k < order - 1; k++) {
            state.ts[k] = state.ts[k + 1];
            state.models[k] = state.models[k + 1];
          }
          state.ts[state.ts.length - 1] = ts[step];
          if (step < steps) state.models[state.models.length - 1] = r.modelT!;
        }
      }
      notify(opts.callback, i, ts[i], ts[i], x, state.models[state.models.length - 1]);
    }
    const a = uniPcAlpha(ts[steps]);
    return Float32Array.from(x, (v) => v / a);
  };
}

export const sampleUniPc: KSampler = makeUniPc('bh1');
export const sampleUniPcBh2: KSampler = makeUniPc('bh2');
