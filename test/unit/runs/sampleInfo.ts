// A RunInfo as the engine reports one, for tests of what the host builds from it.
import type { RunInfo } from '../../../src/protocol/engine';

export function sampleInfo(
  overrides: { spec?: Partial<RunInfo['spec']> } & Partial<Omit<RunInfo, 'spec'>> = {},
): RunInfo {
  const { spec, ...rest } = overrides;
  return {
    spec: {
      modelDir: '/m/tiny',
      prompt: 'a café',
      negativePrompt: 'blur',
      seed: 11,
      steps: 2,
      guidanceScale: 7.5,
      guidanceRescale: 0,
      width: 32,
      height: 32,
      batchSize: 2,
      ...spec,
    },
    seeds: [11, 12],
    scheduler: { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, timestep_spacing: 'leading' },
    model: { dir: '/m/tiny', name: 'tiny-shapes', hash: 'abcdef0123456789', kind: 'text2img' },
    provider: 'cpu',
    providerFallbacks: [],
    timings: { loadMs: 120, textEncoderMs: 4, unetStepMs: [7, 6], unetRunMs: [6, 5], vaeMs: 3, totalMs: 150 },
    warnings: [],
    unknownWords: [],
    truncatedTokens: 0,
    promptTokens: 4,
    promptChunks: 1,
    ...rest,
  };
}
