// DEIS, diffusion exponential integrator sampler (Zhang & Chen 2022, https://arxiv.org/abs/2204.13902),
// as diffusers' DEISMultistepScheduler: the multistep "logρ" variant over ε̂, orders 1–3.
import type { FloatArray } from '../tensor/tensor';
import { combineInto } from './multistepCommon';
import { multistepSchedule } from './multistepSchedule';
import { ownChoice, type MultistepConfig } from './multistepConfig';
import { MultistepScheduler } from './multistepScheduler';
import type { SetTimestepsOptions, StepOutput } from './scheduler';
import { refuseCustomSchedule } from './setTimestepsChecks';

export interface DeisConfig extends MultistepConfig {
  readonly algorithm_type: 'deis';
  readonly solver_type: 'logrho';
}

export class DEISMultistepScheduler extends MultistepScheduler<DeisConfig> {
  readonly className = 'DEISMultistepScheduler';
  private readonly w = new Float64Array(4);

  constructor(config: DeisConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    const algoChecked = ownChoice(config, 'algorithm_type', ['deis'], ['dpmsolver', 'dpmsolver++'], 'deis');
    super(
      ownChoice(algoChecked, 'solver_type', ['logrho'], ['midpoint', 'heun', 'bh1', 'bh2'], 'logrho'),
      alphasCumprod,
      config.solver_order,
    );
    if (config.solver_order > 3)
      throw new RangeError(`solver_order ${config.solver_order} is above 3, the highest DEIS order`);
  }

  protected schedule(n: number, options?: SetTimestepsOptions): { timesteps: Float64Array; sigmas: Float64Array } {
    refuseCustomSchedule(this.className, options, false);
    // DEIS always ends on σ_min, never on 0.
    const config = { ...this.config, final_sigmas_type: 'sigma_min' as const };
    return multistepSchedule(this.className, config, this.alphasCumprod, n, { noRoundForCosine: false });
  }

  protected solve(i: number, m: FloatArray, x: FloatArray, out: StepOutput, shape: readonly number[]): void {
    const n = this.timesteps.length;
    const few = this.config.lower_order_final && n < 15;
    const history = this.history!;
    const x0 = out.predOriginalSample.data;
    this.toData(x0, m, x, i, shape);
    this.noiseFromData(history.push(), x0, x, i);

    const order = this.orderAt(few && i === n - 1 ? 1 : few && i === n - 2 ? 2 : 3);
    const w = this.w;
    this.weights(order, i);
    const prev = out.prevSample.data;
    combineInto(
      prev,
      w[0],
      x,
      Array.from({ length: order }, (_, k) => [w[k + 1], history.get(k)] as const),
    );
  }

  /** x_t = w0·x + Σ w_{k+1}·ε̂_k: the exponential integrator with ε̂ interpolated by a Lagrange
   * polynomial in log ρ, ρ = σ/α (DEIS eq. 15 with the ρ-substitution, §4). */
  private weights(order: number, i: number): void {
    const { alpha, sigma, lambda } = this.vp;
    const w = this.w;
    const at = alpha[i + 1];
    if (order === 1) {
      w[0] = at / alpha[i];
      w[1] = -sigma[i + 1] * (Math.exp(lambda[i + 1] - lambda[i]) - 1);
      return;
    }
    // ρ = σ/α per point; each weight is the Lagrange basis polynomial of one node, integrated from
    // ρ_s0 to ρ_t, with the other nodes in diffusers' order.
    const rt = sigma[i + 1] / at;
    const r0 = sigma[i] / alpha[i];
    const r1 = sigma[i - 1] / alpha[i - 1];
    w[0] = at / alpha[i];
    if (order === 2) {
      w[1] = at * (basis2(rt, r0, r1) - basis2(r0, r0, r1));
      w[2] = at * (basis2(rt, r1, r0) - basis2(r0, r1, r0));
      return;
    }
    const r2 = sigma[i - 2] / alpha[i - 2];
    w[1] = at * (basis3(rt, r0, r1, r2) - basis3(r0, r0, r1, r2));
    w[2] = at * (basis3(rt, r1, r2, r0) - basis3(r0, r1, r2, r0));
    w[3] = at * (basis3(rt, r2, r0, r1) - basis3(r0, r2, r0, r1));
  }
}

/** diffusers' ind_fn, second order: the integral in log ρ of the linear Lagrange basis at node b
 * (other node c), evaluated at ρ = t. */
function basis2(t: number, b: number, c: number): number {
  const lt = Math.log(t);
  const lc = Math.log(c);
  return (t * (-lc + lt - 1)) / (Math.log(b) - lc);
}

/** Third order: the quadratic Lagrange basis at node b (other nodes c, d). */
function basis3(t: number, b: number, c: number, d: number): number {
  const lt = Math.log(t);
  const lb = Math.log(b);
  const lc = Math.log(c);
  const ld = Math.log(d);
  return (t * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2)) / ((lb - lc) * (lb - ld));
}
