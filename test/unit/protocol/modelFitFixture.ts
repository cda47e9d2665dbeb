// A made-up model's fit (src/protocol/modelFit.ts) for the checks that read one: an SD 1.x-like latent
// model of any size, 64 px by default, changed by `more`.
import type { ModelFit } from '../../../src/protocol/modelFit';

export function fitOf(name: string, more: Partial<ModelFit> = {}): ModelFit {
  return {
    name,
    family: 'sd1',
    vaeScale: 8,
    fixedLatent: {},
    recommended: { width: 64, height: 64 },
    timeIds: false,
    scheduler: {},
    ...more,
  };
}
