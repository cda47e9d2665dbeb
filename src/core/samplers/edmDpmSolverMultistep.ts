// diffusers' EDMDPMSolverMultistepScheduler: multistep DPM-Solver++ (Lu et al. 2022,
// https://arxiv.org/abs/2211.01095) on the EDM σ schedule with EDM preconditioning (Karras et al. 2022,
// https://arxiv.org/abs/2206.00364). The network sees c_in·x, its output F gives x̂0 = c_skip·x + c_out·F,
// and the solver runs on α_t = 1, σ_t = σ (the input is pre-scaled, so the sample is not VP). For EDM-trained
// models such as Playground v2.5.
import type { FloatArray, Tensor } from '../tensor/tensor';
import { edmSigmas, edmTimesteps } from '../schedules/edmSigmas';
import { f32 } from '../schedules/float32';
import { checkEdmConfig, edmDenoise, edmInputScale, type EdmConfig } from './edmPreconditioning';
import { DpmSolverScheduler, type DpmSolverOptions } from './dpmSolverScheduler';
import { dpmSolverChoices, type SolverConfig } from './multistepConfig';
import type { BlendCoefficients } from './noising';
import type { SetTimestepsOptions } from './scheduler';
import { checkStepCount } from './setTimestepsChecks';
import { withFinalSigma } from './sigmaSchedule';
import { clipPrediction, scaledInput } from './stepMath';

export interface EdmDpmSolverConfig extends EdmConfig, SolverConfig, DpmSolverOptions {
  readonly prediction_type: EdmConfig['prediction_type'];
  readonly final_sigmas_type: EdmConfig['final_sigmas_type'];
}

export class EDMDPMSolverMultistepScheduler extends DpmSolverScheduler<EdmDpmSolverConfig> {
  readonly className = 'EDMDPMSolverMultistepScheduler';
  /** diffusers' init_noise_sigma: √(σ_max² + 1), as the class defines it. */
  override readonly initNoiseSigma = Math.sqrt(this.config.sigma_max ** 2 + 1);

  constructor(config: EdmDpmSolverConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(dpmSolverChoices(config, ['dpmsolver++', 'sde-dpmsolver++']), alphasCumprod, config.solver_order);
    checkEdmConfig(this.className, this.config);
    const { algorithm_type: algo, solver_order: order } = this.config;
    if (order > 3) throw new RangeError(`solver_order ${order} is above 3, the highest DPM-Solver order`);
    // diffusers' third-order update has no SDE branch and fails at the first third-order step.
    if (algo === 'sde-dpmsolver++' && order === 3) {
      throw new RangeError(
        `${this.className}: algorithm_type sde-dpmsolver++ has no third-order solver (solver_order 3)`,
      );
    }
  }

  /** Karras or exponential σ from σ_max to σ_min (every operation in float32), then 0 or σ_min. */
  protected schedule(n: number, options?: SetTimestepsOptions): { timesteps: Float64Array; sigmas: Float64Array } {
    if (options?.timesteps || options?.sigmas) {
      throw new RangeError(`${this.className}.setTimesteps takes no custom timesteps or sigmas (diffusers' has none)`);
    }
    checkStepCount(this.className, n, this.config.num_train_timesteps);
    const sigmas = edmSigmas(this.config, n, 'float32');
    const last = this.config.final_sigmas_type === 'sigma_min' ? f32(this.config.sigma_min) : 0;
    return { timesteps: edmTimesteps(sigmas), sigmas: withFinalSigma(sigmas, last) };
  }

  override setTimesteps(n: number, options?: SetTimestepsOptions): void {
    super.setTimesteps(n, options);
    // α_t = 1 and σ_t = σ, so λ = −log σ (diffusers: log(1) − log σ in float32).
    const sigma = this.sigmas;
    this.vp = { alpha: sigma.map(() => 1), sigma, lambda: sigma.map((s) => -f32(Math.log(s))) };
  }

  /** c_in·x at the σ of t. */
  override scaleModelInput(sample: Tensor, t: number, out?: FloatArray): Tensor {
    return scaledInput(this.className, sample, this.modelInputScale(t), out);
  }

  override modelInputScale(t: number): number {
    return edmInputScale(this.sigmaAt(t), this.config.sigma_data);
  }

  /** x̂0 = c_skip·x + c_out·F at schedule index i, thresholded where the config asks. */
  protected override toData(
    out: FloatArray,
    m: FloatArray,
    x: FloatArray,
    i: number,
    shape: readonly number[],
    threshold = true,
  ): void {
    edmDenoise(out, x, m, this.sigmas[i], this.config);
    if (threshold && this.config.thresholding) clipPrediction({ data: out, shape }, this.config);
  }

  /** None: x̂0 is EDM's c_skip·x + c_out·F (toData above), not the VP form elementwiseStep takes. */
  protected override dataCoefficients(): undefined {
    return undefined;
  }

  /** add_noise is EDM's x0 + σ·ε. */
  protected override noisingCoefficients(sigma: number[]): BlendCoefficients {
    return { a: sigma.map(() => 1), b: sigma };
  }
}
