// EDM preconditioning (Karras et al. 2022, https://arxiv.org/abs/2206.00364, Table 1), as diffusers' EDM
// schedulers apply it: the network F sees c_in(σ)·x and the denoiser is D(x) = c_skip(σ)·x + c_out(σ)·F.
// Scalars in float32, as diffusers computes them from the float32 σ.
import { f32 } from '../schedules/float32';
import type { EdmSigmaConfig } from '../schedules/edmSigmas';
import type { FloatArray } from '../tensor/tensor';

export interface EdmConfig extends EdmSigmaConfig {
  readonly num_train_timesteps: number;
  /** Standard deviation of the training data (0.5 in the EDM paper, 1 for CosXL). */
  readonly sigma_data: number;
  /** The sign of c_out: diffusers negates it for 'v_prediction' (CosXL). `sample` is refused, as diffusers does. */
  readonly prediction_type: 'epsilon' | 'v_prediction';
  readonly final_sigmas_type: 'zero' | 'sigma_min';
}

/** c_in(σ) = 1/√(σ² + σ_data²). */
export function edmInputScale(sigma: number, sigmaData: number): number {
  return f32(1 / f32(Math.sqrt(f32(f32(sigma * sigma) + f32(sigmaData * sigmaData)))));
}

/** out = c_skip·x + c_out·m: diffusers' precondition_outputs. */
export function edmDenoise(out: FloatArray, x: FloatArray, m: FloatArray, sigma: number, c: EdmConfig): void {
  const sd = c.sigma_data;
  const total = f32(f32(sigma * sigma) + f32(sd * sd));
  const skip = f32(f32(sd * sd) / total);
  const scale = f32(f32(sigma * sd) / f32(Math.sqrt(total)));
  const cOut = c.prediction_type === 'v_prediction' ? -scale : scale;
  for (let k = 0; k < out.length; k++) out[k] = skip * x[k] + cOut * m[k];
}

/** diffusers checks these only when a step or set_timesteps reaches them; refused here up front. */
export function checkEdmConfig(className: string, c: EdmConfig): void {
  if (c.prediction_type !== 'epsilon' && c.prediction_type !== 'v_prediction') {
    throw new RangeError(`${className}: prediction_type '${String(c.prediction_type)}' is not epsilon or v_prediction`);
  }
  if (c.final_sigmas_type !== 'zero' && c.final_sigmas_type !== 'sigma_min') {
    throw new RangeError(`${className}: final_sigmas_type '${String(c.final_sigmas_type)}' is not zero or sigma_min`);
  }
  if (!(0 < c.sigma_min && c.sigma_min < c.sigma_max)) {
    throw new RangeError(`${className}: sigma_min ${c.sigma_min} must be above 0 and below sigma_max ${c.sigma_max}`);
  }
}
