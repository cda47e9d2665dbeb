// The DPM-Solver(++) update of diffusers' DPMSolverMultistepScheduler and EDMDPMSolverMultistepScheduler
// (Lu et al. 2022, https://arxiv.org/abs/2211.01095): the two differ only in where their σ come from and
// how the model output becomes x̂0.
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';
import { addScaled, combineInto, zerosFor } from './multistepCommon';
import type { SolverConfig } from './multistepConfig';
import { MultistepScheduler } from './multistepScheduler';
import type { MultistepStep, StepOutput } from './scheduler';
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

  override drawsStepNoise(): boolean {
    return this.config.algorithm_type.startsWith('sde');
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
    const history = this.history!;
    const x0 = out.predOriginalSample.data;
    const converted = history.push();
    this.toData(x0, m, x, i, shape);
    if (c.algorithm_type.endsWith('++')) converted.set(x0);
    else if (c.thresholding) this.noiseFromData(converted, x0, x, i);
    else this.toNoise(converted, m, x, i);

    const order = this.weights(i);
    const w = this.w;
    const prev = out.prevSample.data;
    const terms = Array.from({ length: order }, (_, k) => [w[k + 1], history.get(k)] as const);
    combineInto(prev, w[0], x, terms, true); // diffusers casts the sample to float32 here
    if (c.algorithm_type.startsWith('sde')) {
      // Drawn at every step, the last included, so the generator advances as diffusers' does.
      if (!noise) throw new Error(`${this.className}.step: algorithm_type ${c.algorithm_type} needs a noise source`);
      addScaled(prev, w[4], drawNoise(noise, shape));
    }
  }

  /** DPM-Solver++ without noise or thresholding, on float32 samples, as combineInto sums it: in one pass
   * for up to two terms (zeros for a missing second), else term by term, each partial sum rounded.
   * Undefined where a weight is 0 (combineInto drops that term): step() takes those. */
  elementwiseStep(t: number, sample: Tensor): MultistepStep | undefined {
    const x = sample.data;
    if (this.config.algorithm_type !== 'dpmsolver++' || !(x instanceof Float32Array)) return undefined;
    const i = this.enter(t, x);
    const data = this.dataCoefficients(i);
    const history = this.history!;
    // This step's output is not in the history until the step is taken.
    const order = this.weights(i, history.count + 1);
    const w = this.w;
    if (!data || w.subarray(1, order + 1).includes(0)) return undefined;
    const newest = history.push() as Float32Array;
    this.stepped(i);
    return {
      kind: 'multistep',
      ...data,
      newest,
      k0: Math.fround(w[0]),
      c1: w[1],
      c2: order > 1 ? w[2] : 0,
      h1: order > 1 ? (history.get(1) as Float32Array) : zerosFor(x.length),
      c3: order > 2 ? w[3] : 0,
      h2: order > 2 ? (history.get(2) as Float32Array) : undefined,
    };
  }

  /** Fills this.w for the step at schedule index i and returns its order: lower orders near the end,
   * Euler at the last step (always when it lands on σ = 0); `seen` outputs, this step's included. */
  private weights(i: number, seen = this.history!.count): number {
    const c = this.config;
    const n = this.timesteps.length;
    const few = c.lower_order_final && n < 15;
    const last = i === n - 1;
    const finalOrder =
      last && (c.euler_at_final || few || c.final_sigmas_type === 'zero') ? 1 : i === n - 2 && few ? 2 : 3;
    const order = this.orderAt(finalOrder, seen);
    dpmWeights(this.w, c.algorithm_type, c.solver_type, order, this.vp, i);
    return order;
  }
}
