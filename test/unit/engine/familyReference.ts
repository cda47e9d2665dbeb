// The family fixtures' PyTorch reference outputs (<folder>.reference.json, written by
// scripts/make_family_models.py) and the comparison of an output with them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../core/model/folderJson';

export interface InputSpec {
  shape: number[];
  dtype: 'float32' | 'int64';
  wave?: number;
  values?: number[];
}
export interface OutputStats {
  shape: number[];
  sum?: number;
  abs_sum?: number;
  first?: number[];
}
export interface Reference {
  components: Record<string, { inputs: Record<string, InputSpec>; outputs: Record<string, OutputStats> }>;
}

const SUFFIX = '.reference.json';

/** The fixture folders that have a reference file. */
export const REFERENCE_FOLDERS = readdirSync(MODELS)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length));

export function readReference(folder: string): Reference {
  return JSON.parse(readFileSync(join(MODELS, `${folder}${SUFFIX}`), 'utf8')) as Reference;
}

/** An input's values: listed, or the `wave` rule float32(sin(0.37 i + p)). */
export function inputValues(spec: InputSpec): number[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  return spec.values ?? Array.from({ length: n }, (_, i) => Math.fround(Math.sin(0.37 * i + spec.wave!)));
}

function near(actual: number, expected: number, scale: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-4 * scale + 1e-5, `${what}: ${actual} vs PyTorch ${expected}`);
}

/** Shape, sum, sum of |x| and first values within 1e-4 (relative to the sum of |x| or the value). */
export function assertMatches(
  data: ArrayLike<number>,
  dims: readonly number[],
  expected: OutputStats,
  what: string,
): void {
  assert.deepEqual([...dims], expected.shape, what);
  if (expected.sum === undefined) return; // sampled inside the graph (old VAE encoder): shape only
  const values = Array.from(data);
  near(
    values.reduce((a, v) => a + Math.abs(v), 0),
    expected.abs_sum!,
    expected.abs_sum!,
    `${what} sum |x|`,
  );
  near(
    values.reduce((a, v) => a + v, 0),
    expected.sum,
    expected.abs_sum!,
    `${what} sum`,
  );
  expected.first!.forEach((v, i) => near(values[i], v, Math.abs(v) + 1, `${what}[${i}]`));
}
