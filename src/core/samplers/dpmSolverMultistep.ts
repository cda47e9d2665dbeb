// Multistep DPM-Solver / DPM-Solver++ (Lu et al. 2022, https://arxiv.org/abs/2211.01095), diffusers'
// DPMSolverMultistepScheduler: A1111's "DPM++ 2M" (order 2), "DPM++ 2M Karras" (use_karras_sigmas),
// "DPM++ 2M SDE" (algorithm_type sde-dpmsolver++).
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray } from '../tensor/tensor';
import { addScaled, combineInto } from './multistepCommon';
import { multistepSchedule } from './multistepSchedule';
import { ownChoice, type MultistepConfig } from './multistepConfig';
import { MultistepScheduler } from './multistepScheduler';
import { refuseCustomSchedule } from './setTimestepsChecks';
import { drawNoise } from './stepMath';
import type { SetTimestepsOptions, StepOutput } from './scheduler';
import { dpmWeights, type DpmAlgorithm, type DpmSolverType } from './dpmSolverMultistepWeights';

export interface DpmSolverConfig extends MultistepConfig {
  readonly algorithm_type: DpmAlgorithm;
  readonly solver_type: DpmSolverType;
  /** Take a first-order step at the end (more stable for the SDE variant with few steps). */
  readonly euler_at_final: boolean;
}

export class DPMSolverMultistepScheduler extends MultistepScheduler<DpmSolverConfig> {
  readonly className = 'DPMSolverMultistepScheduler';
  private readonly w = new Float64Array(5);

  constructor(config: DpmSolverConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    const algoChecked = ownChoice(
      config,
      'algorithm_type',
      ['dpmsolver++', 'dpmsolver', 'sde-dpmsolver++', 'sde-dpmsolver'],
      ['deis'],
      'dpmsolver++',
    );
    super(
      ownChoice(algoChecked, 'solver_type', ['midpoint', 'heun'], ['logrho', 'bh1', 'bh2'], 'midpoint'),
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

  protected solve(
    i: number,
    m: FloatArray,
    x: FloatArray,
    out: StepOutput,
    shape: readonly number[],
    noise?: NoiseSource,
  ): void {
    const c = this.config;
    const n = this.timesteps.length;
    const history = this.history!;
    const few = c.lower_order_final && n < 15;
    const last = i === n - 1;
    // Lower orders near the end: Euler at the last step (always when it lands on σ = 0).
    const finalOrder =
      last && (c.euler_at_final || few || c.final_sigmas_type === 'zero') ? 1 : i === n - 2 && few ? 2 : 3;

    const x0 = out.predOriginalSample.data;
    const converted = history.push();
    this.toData(x0, m, x, i, shape);
    if (c.algorithm_type.endsWith('++')) converted.set(x0);
    else if (c.thresholding) this.noiseFromData(converted, x0, x, i);
    else this.toNoise(converted, m, x, i);

    const order = this.orderAt(finalOrder);
    const w = this.w;
    dpmWeights(w, c.algorithm_type, c.solver_type, order, this.vp, i);
    const prev = out.prevSample.data;
    const terms = Array.from({ length: order }, (_, k) => [w[k + 1], history.get(k)] as const);
    combineInto(prev, w[0], x, terms, true); // diffusers casts the sample to float32 here
    if (c.algorithm_type.startsWith('sde')) {
      // Drawn at every step, the last included, so the generator advances as diffusers' does.
      if (!noise) throw new Error(`${this.className}.step: algorithm_type ${c.algorithm_type} needs a noise source`);
      addScaled(prev, w[4], drawNoise(noise, shape));
    }
  }
}
