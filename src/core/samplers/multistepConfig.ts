// Config checks the three multistep classes share.
import { show } from '../config/checkValue';
import type { MultistepScheduleConfig } from './multistepSchedule';
import type { ClipConfig, PredictionType } from './stepMath';

/** What the solver steps read, whatever builds the σ schedule (the training ᾱ, or EDM's own range). */
export interface SolverConfig extends ClipConfig {
  readonly solver_order: number;
  readonly prediction_type: PredictionType;
  readonly lower_order_final: boolean;
  /** Where the last step lands: σ = 0, or σ_min of the schedule (DEIS always takes σ_min). */
  readonly final_sigmas_type?: 'zero' | 'sigma_min';
}

export interface MultistepConfig extends MultistepScheduleConfig, SolverConfig {}

/** What diffusers offers for these classes but this port does not, or what it rejects itself. */
export function unsupportedOption(c: SolverConfig & Readonly<Record<string, unknown>>): string | undefined {
  if (!Number.isInteger(c.solver_order) || c.solver_order < 1)
    return `solver_order ${c.solver_order} is not a positive integer`;
  if (!['epsilon', 'v_prediction', 'sample'].includes(c.prediction_type))
    return `prediction_type '${c.prediction_type}' is not epsilon, v_prediction or sample`;
  if ([c.use_karras_sigmas, c.use_exponential_sigmas, c.use_beta_sigmas].filter(Boolean).length > 1)
    return 'only one of use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas can be true';
  if (c.final_sigmas_type !== undefined && !['zero', 'sigma_min'].includes(c.final_sigmas_type))
    return `final_sigmas_type '${c.final_sigmas_type}' is not zero or sigma_min`;
  if (c.use_flow_sigmas || c.use_dynamic_shifting)
    return 'flow-matching sigmas (use_flow_sigmas, use_dynamic_shifting) are not supported';
  if (c.variance_type)
    return `variance_type ${show(c.variance_type)} (models that also predict variance) is not supported`;
  return undefined;
}

/** A config value checked against the class's own choices. Values of a sibling multistep class map
 * to `fallback`, as diffusers' constructors re-register them (a UniPC config copied to DPM-Solver). */
export function ownChoice<C>(
  config: C,
  key: keyof C & string,
  own: readonly string[],
  sibling: readonly string[],
  fallback: string,
): C {
  const value = config[key] as unknown as string;
  if (own.includes(value)) return config;
  if (sibling.includes(value)) return { ...config, [key]: fallback };
  throw new RangeError(`${key} '${value}' is not one of ${own.join(', ')}`);
}

/** The DPM-Solver classes' algorithm_type (one of `algorithms`; DEIS's own reads as dpmsolver++) and
 * solver_type (midpoint or heun; DEIS's and UniPC's read as midpoint), as diffusers rewrites them. */
export function dpmSolverChoices<C>(config: C & { readonly algorithm_type: string }, algorithms: readonly string[]): C {
  const algoChecked = ownChoice(config, 'algorithm_type', algorithms, ['deis'], 'dpmsolver++');
  return ownChoice(
    algoChecked,
    'solver_type' as keyof C & string,
    ['midpoint', 'heun'],
    ['logrho', 'bh1', 'bh2'],
    'midpoint',
  );
}
