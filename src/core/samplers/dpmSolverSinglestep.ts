// Singlestep DPM-Solver / DPM-Solver++ (Lu et al. 2022, https://arxiv.org/abs/2206.00927 and
// https://arxiv.org/abs/2211.01095), diffusers 0.35.2's DPMSolverSinglestepScheduler: the steps are grouped
// by the order list (1, 2, 3, 1, 2, 3, …); within a group every model call is an intermediate point and
// the group's last call takes one higher-order step from the sample at the group's start.
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray } from '../tensor/tensor';
import { addScaled, scaleInto } from './multistepCommon';
import { dpmSolverChoices, type SolverConfig } from './multistepConfig';
import { multistepSchedule, type MultistepScheduleConfig } from './multistepSchedule';
import { MultistepScheduler } from './multistepScheduler';
import { refuseCustomSchedule } from './setTimestepsChecks';
import { sigmasFromAlphasCumprod } from '../schedules/noiseLevels';
import { drawNoise } from './stepMath';
import type { SetTimestepsOptions, StepOutput } from './scheduler';
import type { DpmAlgorithm, DpmSolverType } from './dpmSolverCoefficients';
import { dpmSinglestepWeights } from './dpmSolverSinglestepWeights';

/** The training schedule's keys but not the spacing ones: the singlestep class always spaces by linspace. */
export interface DpmSinglestepConfig
  extends SolverConfig, Omit<MultistepScheduleConfig, 'timestep_spacing' | 'steps_offset'> {
  readonly algorithm_type: Exclude<DpmAlgorithm, 'sde-dpmsolver'>;
  readonly solver_type: DpmSolverType;
}

/** diffusers' get_order_list: the solver order of each of n steps. */
function singlestepOrders(n: number, order: number, lowerOrderFinal: boolean, finalZero: boolean): number[] {
  const cycle = Array.from({ length: order }, (_, k) => k + 1); // [1], [1, 2] or [1, 2, 3]
  const groups = (count: number) => Array.from({ length: Math.max(0, count) }, () => cycle).flat();
  let orders: number[];
  if (!lowerOrderFinal || order === 1) orders = groups(Math.floor(n / order));
  else if (n % order === 0) orders = [...groups(n / order - 1), ...cycle.slice(0, -1), 1];
  else orders = [...groups(Math.floor(n / order)), ...cycle.slice(0, n % order)];
  if (finalZero) orders[orders.length - 1] = 1;
  return orders;
}

export class DPMSolverSinglestepScheduler extends MultistepScheduler<DpmSinglestepConfig> {
  readonly className = 'DPMSolverSinglestepScheduler';

  override drawsStepNoise(): boolean {
    return this.config.algorithm_type === 'sde-dpmsolver++';
  }
  private readonly w = new Float64Array(5);
  private orders: readonly number[] = [];
  /** diffusers' set_timesteps turns lower_order_final on for good (register_to_config) when the step count
   * is not a multiple of the order or the last σ is 0; later schedules keep it. */
  private lowerOrderFinal: boolean;
  /** The sample where the current group of steps started. */
  private start = new Float64Array(0);

  constructor(config: DpmSinglestepConfig & Readonly<Record<string, unknown>>, alphasCumprod: Float64Array) {
    super(
      dpmSolverChoices(config, ['dpmsolver++', 'dpmsolver', 'sde-dpmsolver++']),
      alphasCumprod,
      config.solver_order,
    );
    const { algorithm_type: algo, solver_order: order } = this.config;
    if (order > 3) throw new RangeError(`${this.className}: solver_order ${order} is above 3 (diffusers raises)`);
    if (algo === 'dpmsolver' && this.config.final_sigmas_type === 'zero') {
      throw new RangeError(
        `${this.className}: final_sigmas_type 'zero' needs algorithm_type dpmsolver++ or sde-dpmsolver++; ` +
          "use 'sigma_min' with dpmsolver",
      );
    }
    if (algo === 'dpmsolver' && this.config.thresholding) {
      throw new RangeError(
        `${this.className}: thresholding with algorithm_type dpmsolver fails in diffusers 0.35.2 ` +
          '(it indexes ᾱ by a missing timestep); use dpmsolver++',
      );
    }
    this.lowerOrderFinal = this.config.lower_order_final;
  }

  /** diffusers' order_list: the solver order of each step of the current schedule. */
  get orderList(): readonly number[] {
    return this.orders;
  }

  override setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    super.setTimesteps(numInferenceSteps, options);
    const n = this.timesteps.length;
    const order = this.config.solver_order;
    const finalZero = this.config.final_sigmas_type === 'zero';
    if (n % order !== 0 || finalZero) this.lowerOrderFinal = true;
    this.orders = singlestepOrders(n, order, this.lowerOrderFinal, finalZero);
  }

  protected schedule(n: number, options?: SetTimestepsOptions): { timesteps: Float64Array; sigmas: Float64Array } {
    refuseCustomSchedule(this.className, options, true);
    const c = this.config;
    if (options?.timesteps && (c.use_karras_sigmas || c.use_exponential_sigmas || c.use_beta_sigmas)) {
      throw new RangeError(
        `${this.className}.setTimesteps: custom timesteps cannot be combined with Karras, exponential or beta sigmas`,
      );
    }
    // Always linspace spacing; the last σ is the training σ_min even after a Karras/exponential/beta conversion.
    const spaced = { ...c, timestep_spacing: 'linspace' as const, steps_offset: 0 };
    const s = multistepSchedule(
      this.className,
      spaced,
      this.alphasCumprod,
      n,
      { noRoundForCosine: false },
      options?.timesteps,
    );
    if (c.final_sigmas_type === 'sigma_min')
      s.sigmas[s.sigmas.length - 1] = sigmasFromAlphasCumprod(this.alphasCumprod.subarray(0, 1))[0];
    return s;
  }

  protected override restart(): void {
    if (this.start.length !== this.history!.size) this.start = new Float64Array(this.history!.size);
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
    if (c.algorithm_type === 'dpmsolver') this.toNoise(converted, m, x, i);
    else converted.set(x0);

    // Drawn at every step, before the order is known, so the generator advances as diffusers' does.
    if (c.algorithm_type === 'sde-dpmsolver++' && !noise) {
      throw new Error(`${this.className}.step: algorithm_type sde-dpmsolver++ needs a noise source`);
    }
    const z = c.algorithm_type === 'sde-dpmsolver++' ? drawNoise(noise!, shape) : undefined;
    // A run that starts mid-group (image-to-image) has fewer outputs than the list's order.
    const order = this.orderAt(this.orders[i]);
    if (order === 1) this.start.set(x);
    const w = this.w;
    dpmSinglestepWeights(w, c.algorithm_type, c.solver_type, order, this.vp, i);
    const prev = out.prevSample.data;
    scaleInto(prev, w[0], this.start, true);
    for (let k = 0; k < order; k++) addScaled(prev, w[1 + k], history.get(k));
    if (z) addScaled(prev, w[4], z);
  }
}
