// Public API of the pure core, importable from plain Node as dist/core.mjs or dist/core.cjs.
export * from './tensor/tensor';
export * from './schedules/float32';
export * from './schedules/trainingBetas';
export * from './schedules/alphasCumprod';
export * from './schedules/zeroTerminalSnr';
export * from './schedules/noiseLevels';
export * from './schedules/timestepSpacing';
export * from './schedules/sigmaSchedules';
export * from './schedules/sigmaToTimestep';
export * from './schedules/betaQuantile';
export type { NoiseSource } from './rng/noiseSource';
export { Mt19937 } from './rng/mt19937';
export { TorchGenerator } from './rng/torchGenerator';
export type { Finding, Severity } from './config/findings';
export type { Scheduler, StepOutput, SetTimestepsOptions, StepOptions } from './samplers/scheduler';
export { createScheduler, schedulerClassNames, trainingAlphasCumprod } from './samplers/registry';
export * from './image/rgba';
export * from './image/latentPreview';
