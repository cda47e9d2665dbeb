// Cross-key checks of the EDM classes, which have no training β: their σ range and solver options.
import type { Finding } from './findings';

type Config = Readonly<Record<string, unknown>>;

export function edmConfigProblems(config: Config, bad: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const [lo, hi] = [config.sigma_min as number, config.sigma_max as number];
  if (!bad.has('sigma_min') && !bad.has('sigma_max') && !(lo < hi)) {
    out.push({
      severity: 'error',
      path: ['sigma_min'],
      code: 'sigma-range-reversed',
      message: `sigma_min ${lo} must be below sigma_max ${hi}: the schedule would run upward`,
    });
  }
  if (config.algorithm_type === 'sde-dpmsolver++' && config.solver_order === 3) {
    out.push({
      severity: 'error',
      path: ['solver_order'],
      code: 'unsupported-value',
      message: "solver_order 3 has no sde-dpmsolver++ update (diffusers' step fails at the first third-order step)",
    });
  }
  return out;
}
