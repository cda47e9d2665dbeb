// The spec that makes one image of a finished run again, alone: its own seed (and, for a varied
// run, its own variation seed), batch of one. "Vary seed" is the same with a new random seed.
import { isVaried, RANDOM_SEED, type RunSpec } from '../protocol/run';
import type { RunRecord } from './runRecord';

export function imageSpec(record: RunRecord, newSeed: boolean): RunSpec {
  const { spec } = record;
  const variation = isVaried(spec) ? { subseed: spec.subseed! + record.batchIndex } : {};
  return { ...spec, ...variation, seed: newSeed ? RANDOM_SEED : record.seed, batchSize: 1 };
}
