// The DPM-Solver(++) update of diffusers' DPMSolverMultistepScheduler and EDMDPMSolverMultistepScheduler
// (Lu et al. 2022, https://arxiv.org/abs/2211.01095): the two differ only in where their σ come from and
// how the model output becomes x̂0.
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray } from '../tensor/tensor';
import { addScaled, combineInto } from './multistepCommon';
import type { SolverConfig } from './multistepConfig';
import { MultistepScheduler } from './multistepScheduler';
import type { StepOutput } from './scheduler';
import { drawNoise } from './stepMath';
import { dpmWeights, type DpmAlgorithm, type DpmSolverType } from './dpmSolverMultistepWeights';

export interface DpmSolverOptions {
  readonly algorithm_type: DpmAlgorithm;
  readonly solver_type: DpmSolverType;
  /** Take a first-order step at the end (more stable for the SDE variant with few steps). */
  readonly euler_at_final: boolean;
}

export abstract class DpmSolverScheduler<C extends SolverConfig & DpmSolverOptions> extends MultistepScheduler<C> {
  private readonly w = new Float64Array(5);

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
