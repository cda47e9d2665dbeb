// Builds a sampler from a diffusers scheduler_config.json object, keyed by its `_class_name`.
import type { Finding } from '../config/findings';
import { configAlphasCumprod } from '../config/configSchedule';
import { readSchedulerConfig } from '../config/readSchedulerConfig';
import { DDIMScheduler } from './ddim';
import { DDIMInverseScheduler } from './ddimInverse';
import { DEISMultistepScheduler } from './deisMultistep';
import { DPMSolverMultistepScheduler } from './dpmSolverMultistep';
import { DPMSolverSinglestepScheduler } from './dpmSolverSinglestep';
import { UniPCMultistepScheduler } from './uniPcMultistep';
import { DDPMScheduler } from './ddpm';
import { EulerAncestralDiscreteScheduler } from './eulerAncestralDiscrete';
import { EulerDiscreteScheduler } from './eulerDiscrete';
import { HeunDiscreteScheduler } from './heunDiscrete';
import { IPNDMScheduler } from './ipndm';
import { KDPM2AncestralDiscreteScheduler } from './kdpm2AncestralDiscrete';
import { KDPM2DiscreteScheduler } from './kdpm2Discrete';
import { LCMScheduler } from './lcm';
import { LMSDiscreteScheduler } from './lmsDiscrete';
import { PNDMScheduler } from './pndm';
import type { Scheduler } from './scheduler';
import { EDMEulerScheduler } from './edmEuler';
import { EDMDPMSolverMultistepScheduler } from './edmDpmSolverMultistep';
import { TCDScheduler } from './tcd';

type Config = Readonly<Record<string, unknown>>;
// The samplers take their effective config as diffusers' __init__ would see it; the config reader
// has checked types and filled defaults, so `never` here only names the shape.
type SamplerClass = new (config: never, alphasCumprod: Float64Array) => Scheduler;

/** The samplers that generate: noise to image. */
const samplers: Record<string, SamplerClass> = {
  DDIMScheduler,
  DDPMScheduler,
  PNDMScheduler,
  LCMScheduler,
  EulerDiscreteScheduler,
  EulerAncestralDiscreteScheduler,
  HeunDiscreteScheduler,
  KDPM2DiscreteScheduler,
  KDPM2AncestralDiscreteScheduler,
  LMSDiscreteScheduler,
  DPMSolverMultistepScheduler,
  DPMSolverSinglestepScheduler,
  UniPCMultistepScheduler,
  DEISMultistepScheduler,
  IPNDMScheduler,
  EDMEulerScheduler,
  EDMDPMSolverMultistepScheduler,
  TCDScheduler,
};

/** Schedulers that run the other way, image to noise (DDIM inversion): built like the others but not
 * offered for generation. */
const inverters: Record<string, SamplerClass> = { DDIMInverseScheduler };

const classes: Record<string, SamplerClass> = { ...samplers, ...inverters };

/** `_class_name`s of the samplers createScheduler builds for generation. */
export const schedulerClassNames: readonly string[] = Object.keys(samplers);

/** `_class_name`s of the inverting schedulers createScheduler also builds. */
export const inverseSchedulerClassNames: readonly string[] = Object.keys(inverters);

/** Reads a scheduler_config.json value (any JSON at all) and builds its sampler. `overrides` are
 * config keys applied on top, as diffusers' `from_config(config, **kwargs)`; an `_class_name` among
 * them reads the file as that class (`OtherScheduler.from_config(config)`). Problems come back as
 * findings; `scheduler` is absent when an error finding leaves nothing to build. */
export function createScheduler(json: unknown, overrides: Config = {}): { scheduler?: Scheduler; findings: Finding[] } {
  const { _class_name: classOverride, ...keys } = typeof overrides === 'object' && overrides !== null ? overrides : {};
  const reading = readSchedulerConfig(json, typeof classOverride === 'string' ? classOverride : undefined, keys);
  const findings = [...reading.findings];
  const { className, config } = reading;
  if (className === undefined || findings.some((f) => f.severity === 'error')) return { findings };
  const Sampler = classes[className];
  if (!Sampler) {
    findings.push({
      severity: 'error',
      path: ['_class_name'],
      code: 'unknown-class',
      message: `${className} has no sampler yet`,
    });
    return { findings };
  }
  try {
    return { scheduler: new Sampler(config as never, configAlphasCumprod(className, config)), findings };
  } catch (e) {
    // Combinations diffusers' constructor or set_timesteps rejects, reported in the sampler's words.
    findings.push({ severity: 'error', path: [], code: 'invalid-config', message: (e as Error).message });
    return { findings };
  }
}
