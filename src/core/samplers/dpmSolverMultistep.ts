// Multistep DPM-Solver / DPM-Solver++ (Lu et al. 2022, https://arxiv.org/abs/2211.01095), diffusers'
// DPMSolverMultistepScheduler: A1111's "DPM++ 2M" (order 2), "DPM++ 2M Karras" (use_karras_sigmas),
// "DPM++ 2M SDE" (algorithm_type sde-dpmsolver++).
import { multistepSchedule } from './multistepSchedule';
import { dpmSolverChoices, type MultistepConfig } from './multistepConfig';
import { refuseCustomSchedule } from './setTimestepsChecks';
import type { SetTimestepsOptions } from './scheduler';
import { DpmSolverScheduler, type DpmSolverOptions } from './dpmSolverScheduler';

export interface DpmSolverConfig extends MultistepConfig, DpmSolverOptions {}

export class DPMSolverMultistepScheduler extends DpmSolverScheduler<DpmSolverConfig> {
  readonly className = 'DPMSolverMultistepScheduler';

  constructor(config: DpmSolverConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(
      dpmSolverChoices(config, ['dpmsolver++', 'dpmsolver', 'sde-dpmsolver++', 'sde-dpmsolver']),
      alphasCumprod,
      config.solver_order,
    );
    const { algorithm_type: algo, solver_order: order } = this.config;
    if (order > 3) throw new RangeError(`solver_order ${order} is above 3, the highest DPM-Solver order`);
    if (algo === 'sde-dpmsolver' && order === 3) {
      throw new RangeError(
        `${this.className}: algorithm_type sde-dpmsolver has no third-order solver (solver_order 3)`,
      );
    }
    if ((algo === 'dpmsolver' || algo === 'sde-dpmsolver') && this.config.final_sigmas_type === 'zero') {
      throw new RangeError(
        `${this.className}: final_sigmas_type 'zero' needs algorithm_type dpmsolver++ or sde-dpmsolver++; use 'sigma_min' with ${algo}`,
      );
    }
  }

  protected schedule(n: number, options?: SetTimestepsOptions): { timesteps: Float64Array; sigmas: Float64Array } {
    refuseCustomSchedule(this.className, options, true);
    const conversion =
      this.config.use_karras_sigmas ||
      this.config.use_exponential_sigmas ||
      this.config.use_beta_sigmas ||
      this.config.use_lu_lambdas;
    if (options?.timesteps && conversion) {
      throw new RangeError(
        `${this.className}.setTimesteps: custom timesteps cannot be combined with Karras, exponential, beta or Lu sigmas`,
      );
    }
    return multistepSchedule(
      this.className,
      this.config,
      this.alphasCumprod,
      n,
      { noRoundForCosine: true },
      options?.timesteps,
    );
  }
}
