// The base of the multistep solvers (DPM-Solver(++), UniPC, DEIS): a σ schedule with the VP
// coefficients of each point, unscaled model input, a step counter and the history of converted
// model outputs those solvers extrapolate from.
import type { NoiseSource } from '../rng/noiseSource';
import type { FloatArray, Tensor } from '../tensor/tensor';
import { addScaled, OutputHistory, scaleInto, vpTable, type VpTable } from './multistepCommon';
import type { MultistepScheduleConfig } from './multistepSchedule';
import type { Scheduler, SetTimestepsOptions, StepOutput } from './scheduler';
import { alphaPrediction, clipPrediction, indexForTimestep, stepOutputs, type ClipConfig, type PredictionType } from './stepMath';

export interface MultistepConfig extends MultistepScheduleConfig, ClipConfig {
  readonly solver_order: number;
  readonly prediction_type: PredictionType;
  readonly lower_order_final: boolean;
}

export abstract class MultistepScheduler<C extends MultistepConfig> implements Scheduler {
  abstract readonly className: string;
  readonly initNoiseSigma = 1;
  readonly order = 1;
  timesteps: Float64Array = new Float64Array(0);
  sigmas: Float64Array = new Float64Array(0);
  protected vp: VpTable = vpTable(this.sigmas);
  protected history: OutputHistory | undefined;
  /** Index of the next step; undefined until the first step after setTimesteps. */
  private next: number | undefined;

  constructor(
    readonly config: C & Readonly<Record<string, unknown>>,
    /** ᾱ with the zero-SNR floor of 2⁻²⁴ already applied where the class has one (the registry does). */
    readonly alphasCumprod: Float64Array,
    /** How many converted outputs the solver keeps. */
    private readonly historyLength: number,
  ) {
    const unsupported = unsupportedOption(config);
    if (unsupported) throw new RangeError(unsupported);
  }

  /** The schedule's timesteps and σ (one more σ than timesteps: where the last step lands). */
  protected abstract schedule(n: number, options?: SetTimestepsOptions): { timesteps: Float64Array; sigmas: Float64Array };

  /** One solver step at schedule index i into `out`; `history.get(0)` is not yet written. */
  protected abstract solve(i: number, m: FloatArray, x: FloatArray, out: StepOutput, shape: readonly number[], noise?: NoiseSource): void;

  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void {
    const { timesteps, sigmas } = this.schedule(numInferenceSteps, options);
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.vp = vpTable(sigmas);
    this.next = undefined;
  }

  scaleModelInput(sample: Tensor): Tensor {
    return sample;
  }

  sigmaAt(t: number): number {
    return this.sigmas[indexForTimestep(this.className, this.timesteps, t)];
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, noise?: NoiseSource): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample);
    const n = sample.data.length;
    let i = this.next;
    if (i === undefined || i >= this.timesteps.length) {
      // A run starts (or restarts once the last one is done) where t sits in the schedule.
      i = indexForTimestep(this.className, this.timesteps, t);
      if (this.history?.size !== n) this.history = new OutputHistory(this.historyLength, n);
      this.history.reset();
      this.restart();
    } else if (this.timesteps[i] !== t) {
      throw new RangeError(`${this.className}.step: expected timestep ${this.timesteps[i]} (step ${i + 1} of ${this.timesteps.length}) but got ${t}; call setTimesteps to start over`);
    } else if (this.history?.size !== n) {
      throw new RangeError(`${this.className}.step: sample has ${n} values but this run started with ${this.history?.size}`);
    }
    this.solve(i, modelOutput.data, sample.data, out, sample.shape, noise);
    this.next = i + 1;
    return out;
  }

  /** Clears per-run state beyond the output history (UniPC's last sample). */
  protected restart(): void {}

  /** Solver order at step i: the configured one, limited by the outputs seen so far and, near the
   * end, by `finalOrder` (what lower_order_final allows there). */
  protected orderAt(finalOrder: number): number {
    return Math.min(this.config.solver_order, this.history!.count, finalOrder);
  }

  /** x̂0 of the model output m at schedule index i, thresholded when the config asks and `threshold`. */
  protected toData(out: FloatArray, m: FloatArray, x: FloatArray, i: number, shape: readonly number[], threshold = true): void {
    const a = this.vp.alpha[i];
    const c = alphaPrediction(this.config.prediction_type, a * a);
    scaleInto(out, c.p, x);
    addScaled(out, c.q, m);
    if (threshold && this.config.thresholding) clipPrediction({ data: out, shape }, this.config);
  }

  /** ε̂ of the model output m at schedule index i. */
  protected toNoise(out: FloatArray, m: FloatArray, x: FloatArray, i: number): void {
    const a = this.vp.alpha[i];
    const c = alphaPrediction(this.config.prediction_type, a * a);
    scaleInto(out, c.r, x);
    addScaled(out, c.s, m);
  }

  /** ε̂ = (x − α·x̂0)/σ at schedule index i. */
  protected noiseFromData(out: FloatArray, x0: FloatArray, x: FloatArray, i: number): void {
    const a = this.vp.alpha[i];
    const s = this.vp.sigma[i];
    for (let k = 0; k < out.length; k++) out[k] = (x[k] - a * x0[k]) / s;
  }
}

/** What diffusers offers for these classes but this port does not, or what it rejects itself. */
function unsupportedOption(c: MultistepConfig & Readonly<Record<string, unknown>>): string | undefined {
  if (![1, 2, 3].includes(c.solver_order)) return `solver_order ${c.solver_order} is not 1, 2 or 3`;
  if (!['epsilon', 'v_prediction', 'sample'].includes(c.prediction_type)) return `prediction_type '${c.prediction_type}' is not epsilon, v_prediction or sample`;
  if ([c.use_karras_sigmas, c.use_exponential_sigmas, c.use_beta_sigmas].filter(Boolean).length > 1) return 'only one of use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas can be true';
  if (c.final_sigmas_type !== undefined && !['zero', 'sigma_min'].includes(c.final_sigmas_type)) return `final_sigmas_type '${c.final_sigmas_type}' is not zero or sigma_min`;
  if (c.use_flow_sigmas || c.use_dynamic_shifting) return 'flow-matching sigmas (use_flow_sigmas, use_dynamic_shifting) are not supported';
  if (c.variance_type) return `variance_type '${String(c.variance_type)}' (models that also predict variance) is not supported`;
  if (c.solver_p) return 'solver_p (another scheduler as the predictor) is not supported';
  return undefined;
}

/** A config value checked against the class's own choices. Values of a sibling multistep class map
 * to `fallback`, as diffusers' constructors re-register them (a UniPC config copied to DPM-Solver). */
export function ownChoice<C>(config: C, key: keyof C & string, own: readonly string[], sibling: readonly string[], fallback: string): C {
  const value = config[key] as unknown as string;
  if (own.includes(value)) return config;
  if (sibling.includes(value)) return { ...config, [key]: fallback };
  throw new RangeError(`${key} '${value}' is not one of ${own.join(', ')}`);
}
