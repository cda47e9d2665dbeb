import { f32, torchLinspaceF32 } from './float32';

/** diffusers' `beta_schedule` names. `exp` is only offered by HeunDiscreteScheduler, `sigmoid` only by
 * DDPMScheduler. */
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2' | 'sigmoid' | 'exp';

export interface TrainingBetasOptions {
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly betaSchedule: BetaSchedule;
  /** When given, used as is (diffusers' `trained_betas` wins over `beta_schedule`). */
  readonly trainedBetas?: ArrayLike<number> | null;
}

/** The training noise schedule β_1..β_T as diffusers' scheduler constructors build it, values rounded
 * to float32 as torch stores them.
 * - linear: β = linspace(β0, β1, T) (Ho et al. 2020, DDPM).
 * - scaled_linear: β = linspace(√β0, √β1, T)², Stable Diffusion's schedule.
 * - squaredcos_cap_v2: from ᾱ(t) = cos²(((t/T)+0.008)/1.008·π/2), capped at 0.999 (Nichol & Dhariwal
 *   2021, improved DDPM).
 * - sigmoid: β0 + (β1−β0)·sigmoid(linspace(−6, 6, T)) (GeoDiff, Xu et al. 2022).
 * - exp: from ᾱ(t) = exp(−12t). */
export function trainingBetas(o: TrainingBetasOptions): Float64Array {
  const T = o.numTrainTimesteps;
  if (o.trainedBetas != null) return Float64Array.from(o.trainedBetas, f32);
  switch (o.betaSchedule) {
    case 'linear':
      return torchLinspaceF32(o.betaStart, o.betaEnd, T);
    case 'scaled_linear':
      return torchLinspaceF32(Math.sqrt(o.betaStart), Math.sqrt(o.betaEnd), T).map((r) => f32(r * r));
    case 'squaredcos_cap_v2':
      return betasForAlphaBar(T, (t) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2);
    case 'exp':
      return betasForAlphaBar(T, (t) => Math.exp(t * -12));
    case 'sigmoid': {
      const range = f32(o.betaEnd - o.betaStart);
      const start = f32(o.betaStart);
      return torchLinspaceF32(-6, 6, T).map((x) => f32(f32(f32(1 / f32(1 + f32(Math.exp(-x)))) * range) + start));
    }
  }
}

/** Discretises a continuous ᾱ(t), t ∈ [0, 1]: β_i = min(1 − ᾱ((i+1)/T)/ᾱ(i/T), maxBeta)
 * (Nichol & Dhariwal 2021, eq. 17; diffusers' betas_for_alpha_bar). Computed in float64, stored as float32. */
export function betasForAlphaBar(T: number, alphaBar: (t: number) => number, maxBeta = 0.999): Float64Array {
  const out = new Float64Array(T);
  for (let i = 0; i < T; i++) out[i] = f32(Math.min(1 - alphaBar((i + 1) / T) / alphaBar(i / T), maxBeta));
  return out;
}
