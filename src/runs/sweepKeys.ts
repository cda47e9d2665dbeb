// Content keys: a cell's output is found again by what made it, not by where it sits in a sweep.
import { createHash } from 'node:crypto';
import type { RunSpec } from '../protocol/run';
import type { Sweep } from '../protocol/sweep';
import type { ModelFacts, ResolvedCell } from './sweepFiles';

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** SHA-256 of the model hash and the full spec (seed fixed), with what the model folder fills in where
 * the spec is silent (its scheduler config, its recommended guidance) and the input images' hashes. The model is named by its hash,
 * not its folder, so machines that keep the model at different paths agree on every key. */
export function cellKey(model: ModelFacts, spec: RunSpec, inputs: ResolvedCell['inputs'] = {}): string {
  const { modelDir: _dir, ...rest } = spec;
  const { hash, ...defaults } = model;
  return sha256(`${hash}\n${canonicalJson({ spec: rest, modelDefaults: defaults, inputs })}`);
}

/** Identifies a sweep: shards merge only when their sweeps hash alike. */
export function sweepHash(sweep: Sweep): string {
  return sha256(canonicalJson(sweep));
}
