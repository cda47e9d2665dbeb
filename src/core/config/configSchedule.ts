import { alphasCumprod } from '../schedules/alphasCumprod';
import { snr } from '../schedules/noiseLevels';
import { trainingBetas, type BetaSchedule } from '../schedules/trainingBetas';
import { rescaleZeroTerminalSnr } from '../schedules/zeroTerminalSnr';
import { edmAlphasCumprod } from '../schedules/edmSigmas';
import { SCHEDULER_CLASSES } from './schedulerClasses';

type Config = Readonly<Record<string, unknown>>;

/** The training β as diffusers' constructor of an effective config (readSchedulerConfig's output)
 * builds them, before any zero-SNR rescale. */
export function configBetas(config: Config): Float64Array {
  return trainingBetas({
    numTrainTimesteps: config.num_train_timesteps as number,
    betaStart: config.beta_start as number,
    betaEnd: config.beta_end as number,
    betaSchedule: config.beta_schedule as BetaSchedule,
    trainedBetas: config.trained_betas as number[] | null,
  });
}

/** ᾱ over the training timesteps as diffusers' constructor of `className` builds it from an effective
 * config: betas, optional zero-SNR rescale, and the 2⁻²⁴ floor on ᾱ_T that the Euler family,
 * DPM-Solver and UniPC apply with zero SNR. The EDM classes have no β: a nominal ᾱ = 1/(1 + σ²) over
 * their own σ range (edmSigmas.ts). Empty for a class with its own schedule (IPNDM). */
export function configAlphasCumprod(className: string, config: Config): Float64Array {
  if (SCHEDULER_CLASSES[className]?.ownSchedule) return new Float64Array(0);
  if (isEdmClass(className)) {
    return edmAlphasCumprod({
      sigma_min: config.sigma_min as number,
      sigma_max: config.sigma_max as number,
      sigma_schedule: config.sigma_schedule as 'karras' | 'exponential',
      rho: config.rho as number,
      num_train_timesteps: config.num_train_timesteps as number,
    });
  }
  let betas = configBetas(config);
  if (config.rescale_betas_zero_snr === true) betas = rescaleZeroTerminalSnr(betas);
  const abar = alphasCumprod(betas);
  if (config.rescale_betas_zero_snr === true && SCHEDULER_CLASSES[className]?.zeroSnrFloor)
    abar[abar.length - 1] = 2 ** -24;
  return abar;
}

/** SNR ᾱ_T/(1 − ᾱ_T) at the last training timestep: 0 means sampling can start from pure noise
 * (Lin et al. 2023); SD 1.x/2.x/XL have 0.0047. */
export function terminalSnr(className: string, config: Config): number {
  const abar = configAlphasCumprod(className, config);
  return snr(abar[abar.length - 1]);
}

/** The training σ range [σ(t = 0), σ(t = T−1)] with σ = √((1 − ᾱ)/ᾱ); max is Infinity at zero SNR for
 * classes without the 2⁻²⁴ floor. */
export function sigmaRange(className: string, config: Config): { min: number; max: number } {
  const abar = configAlphasCumprod(className, config);
  const sigma = (a: number) => Math.sqrt((1 - a) / a);
  return { min: sigma(abar[0]), max: sigma(abar[abar.length - 1]) };
}

/** The EDM classes: σ from their own range and sigma_data preconditioning, no training β. */
export function isEdmClass(className: string): boolean {
  return Object.hasOwn(SCHEDULER_CLASSES[className]?.keys ?? {}, 'sigma_data');
}
