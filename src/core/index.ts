// Public API of the pure core, importable from plain Node as dist/core.mjs or dist/core.cjs.
export * from './tensor/tensor';
export type { NoiseSource } from './rng/noiseSource';
export type { Finding, Severity } from './config/findings';
export type { Scheduler, StepOutput } from './samplers/scheduler';
