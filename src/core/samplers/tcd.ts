// Trajectory Consistency Distillation: Zheng et al. 2024, https://arxiv.org/abs/2402.19159, its strategic
// stochastic sampling as diffusers' TCDScheduler (scheduling_tcd.py) runs it. From x_t the model's x̂0 and
// ε̂ give x at s = ⌊(1 − γ)·t_prev⌋, and fresh noise carries it up to t_prev: γ = 0 is deterministic (DDIM
// to t_prev), γ = 1 lands at t = 0 and re-noises fully. diffusers calls γ `eta`. For TCD-distilled models
// (TCD-SD15, TCD-SDXL LoRAs), which take 2–8 steps.
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import { f32 } from '../schedules/float32';
import type { AlphaConfig } from './alphaScheduler';
import { ConsistencyScheduler } from './consistencyScheduler';
import type { StepOptions, StepOutput } from './scheduler';
import { alphaPrediction, drawNoise, stepOutputs } from './stepMath';

/** diffusers' default of step(eta=…), the γ the TCD paper recommends. */
export const TCD_DEFAULT_GAMMA = 0.3;

export class TCDScheduler extends ConsistencyScheduler<AlphaConfig & { original_inference_steps: number }> {
  readonly className = 'TCDScheduler';

  override drawsStepNoise(eta = TCD_DEFAULT_GAMMA): boolean {
    return eta > 0;
  }

  /** options.eta is the paper's γ ∈ [0, 1] (default 0.3, diffusers' step default). Unlike LCM, diffusers'
   * TCD step neither clips nor thresholds x̂0. predOriginalSample is x̂0; diffusers' second output is the
   * x_s the step passes through. */
  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource, options?: StepOptions): StepOutput {
    const gamma = options?.eta ?? TCD_DEFAULT_GAMMA;
    if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`${this.className}.step: eta (γ) ${gamma} is not in [0, 1]`);
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.indexOf(t);
    const last = i === this.timesteps.length - 1;
    const prevT = last ? 0 : this.timesteps[i + 1];
    // torch.floor((1 − eta)·prev_t) on a float32 tensor.
    const s = Math.floor(f32(f32(1 - gamma) * prevT));
    const { p, q, r, s: e } = alphaPrediction(this.config.prediction_type, this.alphasCumprod[t]);
    const aS = this.alphasCumprod[s];
    const [toX0, toEps] = [Math.sqrt(aS), Math.sqrt(f32(1 - aS))];
    const x = sample.data;
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    const prev = out.prevSample.data;
    for (let k = 0; k < x.length; k++) {
      x0[k] = p * x[k] + q * m[k];
      prev[k] = toX0 * x0[k] + toEps * (r * x[k] + e * m[k]);
    }
    if (gamma === 0 || last) return out;
    if (!noise)
      throw new Error(`${this.className}.step needs a noise source: with eta > 0 every step but the last adds noise`);
    const z = drawNoise(noise, modelOutput.shape);
    const ratio = f32(this.alphasCumprod[prevT] / aS);
    const [keep, fresh] = [Math.sqrt(ratio), Math.sqrt(f32(1 - ratio))];
    for (let k = 0; k < x.length; k++) prev[k] = keep * prev[k] + fresh * z[k];
    return out;
  }
}
