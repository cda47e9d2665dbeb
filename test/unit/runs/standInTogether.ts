// generateTogether for a stand-in engine that has generate: each member through generate, as the engine
// answers each member of a group as it would answer the request alone.
import type { EngineClient } from '../../../src/runs/engineClient';

export function togetherThrough(engine: Pick<EngineClient, 'generate'>): EngineClient['generateTogether'] {
  return (members) => members.map(({ request, ...options }) => engine.generate(request, options));
}
